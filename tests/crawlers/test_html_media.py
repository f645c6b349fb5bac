from __future__ import annotations

from pathlib import Path

from parsel import Selector

from crawlers.html_media import extract_media_urls, links_to_media, srcset_urls

PAGE = """<html><head>
<meta property="og:image" content="https://cdn.example/og.jpg">
</head><body>
<img src="/a.jpg"><img src="b.png" srcset="b-480.png 480w, b-960.png 960w">
<picture><source srcset="/c.webp 1x, /c@2x.webp 2x"><img src="/c.jpg"></picture>
<video src="/clip.mp4"><source src="/clip.webm"></video>
<a href="/full/d.JPG?size=orig">full size</a><a href="/thread/2">next</a>
<img src="data:image/png;base64,AAAA"><img src="javascript:alert(1)"><img src="/a.jpg#again">
</body></html>"""


def test_every_kind_of_media_reference_is_found_in_document_order_without_repeats() -> None:
    urls = extract_media_urls(Selector(text=PAGE), "http://site.test/thread/1")
    assert urls == [
        "http://site.test/a.jpg",
        "http://site.test/thread/b.png",
        "http://site.test/c.jpg",
        "http://site.test/thread/b-480.png",
        "http://site.test/thread/b-960.png",
        "http://site.test/c.webp",
        "http://site.test/c@2x.webp",
        "https://cdn.example/og.jpg",
        "http://site.test/clip.mp4",
        "http://site.test/clip.webm",
        "http://site.test/full/d.JPG?size=orig",
    ]


def test_srcset_candidates_keep_urls_and_drop_descriptors() -> None:
    assert srcset_urls("a.jpg 1x, b.jpg 2x") == ["a.jpg", "b.jpg"]
    assert srcset_urls("  /c.jpg 480w,   /d.jpg 960w  ") == ["/c.jpg", "/d.jpg"]
    assert srcset_urls("/only.jpg") == ["/only.jpg"]
    assert srcset_urls("") == []


def test_only_links_to_media_files_count_as_media() -> None:
    assert links_to_media("/x/photo.jpeg")
    assert links_to_media("https://h/v.MP4?x=1")
    assert not links_to_media("/thread/2")
    assert not links_to_media("/photo.jpg.html")


def test_malformed_html_still_yields_its_pictures() -> None:
    broken = "<div><p><b><img src='/x.jpg'" * 2000 + "<img src=/y.png"
    urls = extract_media_urls(Selector(text=broken), "http://site.test/")
    assert "http://site.test/x.jpg" in urls


def test_media_downloaded_again_goes_to_a_file_of_its_own_and_the_first_stays_whole(tmp_path: Path) -> None:
    from scrapy.http import Response

    from crawlers.scrapy_capture import save_media
    from crawlers.temp_files import SealedFiles

    files = SealedFiles.new()
    first = save_media(Response("http://x/a.jpg", body=b"first bytes"), "http://x/a.jpg", tmp_path, files)
    second = save_media(Response("http://x/a.jpg", body=b"second bytes"), "http://x/a.jpg", tmp_path, files)
    assert first.path is not None and second.path is not None and first.path != second.path
    assert files.read(first.path) == b"first bytes"  # never replaced under the monitor hashing it, nor removed
    assert files.read(second.path) == b"second bytes"  # with the other (monitor/temp_media.py)
    assert sorted((tmp_path / "media").iterdir()) == sorted([first.path, second.path])  # no partial file left


LAZY_PAGE = """<html><body>
<img src="/placeholder.gif" data-src="/lazy.jpg" data-srcset="/lazy-480.jpg 480w,/lazy-960.jpg 960w">
<img data-lazy-src="/lazier.jpg"><img data-original="/original.jpg">
<div class="cover" style="background-image: url('/cover.jpg'); color: red"></div>
<a class="thumb" style="background:url(/thumb.webp) no-repeat"></a>
<img srcset="/tight-1.jpg 1x,/tight-2.jpg 2x">
</body></html>"""


def test_lazily_loaded_media_and_css_backgrounds_are_found_too() -> None:
    urls = extract_media_urls(Selector(text=LAZY_PAGE), "http://site.test/")
    expected = ["lazy.jpg", "lazier.jpg", "original.jpg", "lazy-480.jpg", "lazy-960.jpg", "cover.jpg", "thumb.webp",
                "tight-1.jpg", "tight-2.jpg"]  # fmt: skip
    assert set(expected) <= {url.rsplit("/", 1)[-1] for url in urls}


def test_a_srcset_without_spaces_after_its_commas_gives_every_candidate() -> None:
    assert srcset_urls("a.jpg 1x,b.jpg 2x") == ["a.jpg", "b.jpg"]
    assert srcset_urls("a.jpg 480w ,  b.jpg 960w") == ["a.jpg", "b.jpg"]
    assert srcset_urls("/img,with,commas.jpg 1x, c.jpg 2x") == ["/img,with,commas.jpg", "c.jpg"]
    assert srcset_urls("a.jpg, b.jpg") == ["a.jpg", "b.jpg"]
