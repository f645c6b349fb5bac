"""Interface text in English and Korean: one small catalogue, no gettext machinery.

The language comes from the reviewer's choice (``?lang=ko``, kept in the session), else the
``JIKIMI_REVIEW_LANGUAGE`` setting, else the browser's ``Accept-Language``. A key missing in Korean
falls back to English, and a test keeps both catalogues complete.
"""

from __future__ import annotations

LANGUAGES = ("en", "ko")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "app": "jikimi review",
        "login": "Log in",
        "logout": "Log out",
        "name": "Name",
        "password": "Password",
        "login_failed": "Wrong name or password.",
        "locked": "Too many failed attempts. Try again later.",
        "expired": "Your session ended. Please log in again.",
        "queue": "Hits to review",
        "export": "Export",
        "users": "Users",
        "blocklist": "Blocklist",
        "sources": "Sources",
        "status": "Status",
        "source": "Source",
        "case": "Case",
        "platform": "Platform",
        "since": "Since",
        "filter": "Filter",
        "all": "all",
        "location": "Location",
        "poster": "Channel / poster",
        "posted": "Posted",
        "hash": "Hash",
        "distance": "Distance",
        "no_hits": "Nothing here. Thank you for your care.",
        "next_page": "Older",
        "prev_page": "Newer",
        "open": "Open",
        "hit": "Hit",
        "picture_blurred": "The picture is blurred and grey.",
        "reveal": "Reveal the original",
        "reveal_note": "Shown for {seconds} seconds; the reveal is recorded.",
        "revealed_until": "Revealed until {until} UTC.",
        "reveal_limit": "You have reached today's reveal limit "
        "({limit}). That is enough for today: please rest, and ask a colleague if this hit needs a look now.",
        "confirm": "Confirm",
        "reject": "Reject",
        "escalate": "Escalate",
        "comment": "Comment (optional)",
        "decision_saved": "Decision saved.",
        "shortcuts": "Keys: c confirm · r reject · e escalate · n next",
        "history": "History",
        "other_places": "Also seen at",
        "post_text": "Post text",
        "evidence": "Evidence",
        "packet": "Packet",
        "verified": "verified",
        "not_verified": "NOT verified",
        "timestamped": "time-stamped",
        "awaiting_timestamp": "awaiting timestamp",
        "no_packet": "no evidence packet",
        "metadata": "Metadata",
        "break": "You have reviewed {count} hits in this session. Please take a break: stand up, drink some "
        "water, look at something far away.",
        "recipient": "Recipient",
        "reason": "Reason",
        "hash_only": "Hashes only (no media bytes)",
        "cases": "Cases",
        "confirmed_hits": "Confirmed hits",
        "download": "Export and download",
        "export_note": "Only confirmed hits are exported. The export is recorded in each packet's custody log.",
        "nothing_to_export": "Nothing confirmed to export.",
        "role": "Role",
        "add_user": "Add user",
        "user_added": "User added.",
        "user_exists": "That name is taken.",
        "weak_password": "Passwords need at least 12 characters.",
        "upload": "Upload",
        "entries_added": "{added} new entries ({total} in the file).",
        "blocklist_note": "CSV or JSONL of hashes only. Never upload pictures.",
        "forbidden": "You do not have access to this page.",
        "not_found": "Not found.",
        "bad_request": "The form was not accepted (it may have expired). Please try again.",
        "frames": "Keyframes (video; never played)",
        "last_run": "Last run",
        "kind": "Kind",
        "schedule": "Schedule",
        "language": "Language",
        "decisions": "Decisions",
        "by": "by",
        "verdict": "Verdict",
        "entries": "Entries",
        "file": "File",
        "count": "Count",
    },
    "ko": {
        "app": "지킴이 검토",
        "login": "로그인",
        "logout": "로그아웃",
        "name": "이름",
        "password": "비밀번호",
        "login_failed": "이름 또는 비밀번호가 틀렸습니다.",
        "locked": "실패가 너무 많습니다. 잠시 후 다시 시도하세요.",
        "expired": "세션이 끝났습니다. 다시 로그인하세요.",
        "queue": "검토할 탐지 결과",
        "export": "내보내기",
        "users": "사용자",
        "blocklist": "차단 목록",
        "sources": "수집 대상",
        "status": "상태",
        "source": "수집 대상",
        "case": "사건",
        "platform": "플랫폼",
        "since": "이후",
        "filter": "거르기",
        "all": "전체",
        "location": "위치",
        "poster": "채널 / 게시자",
        "posted": "게시 시각",
        "hash": "해시",
        "distance": "거리",
        "no_hits": "검토할 항목이 없습니다. 수고하셨습니다.",
        "next_page": "이전 항목",
        "prev_page": "최근 항목",
        "open": "열기",
        "hit": "탐지 결과",
        "picture_blurred": "사진은 흐리게, 흑백으로 표시됩니다.",
        "reveal": "원본 보기",
        "reveal_note": "{seconds}초 동안 표시되며 기록됩니다.",
        "revealed_until": "{until} UTC까지 표시됩니다.",
        "reveal_limit": "오늘의 원본 보기 한도({limit})에 "
        "도달했습니다. 오늘은 여기까지 하고 쉬세요. 급한 건은 동료에게 부탁하세요.",
        "confirm": "확인",
        "reject": "기각",
        "escalate": "상부 보고",
        "comment": "의견 (선택)",
        "decision_saved": "결정이 저장되었습니다.",
        "shortcuts": "단축키: c 확인 · r 기각 · e 상부 보고 · n 다음",
        "history": "기록",
        "other_places": "다른 발견 위치",
        "post_text": "게시글 내용",
        "evidence": "증거",
        "packet": "증거 묶음",
        "verified": "검증됨",
        "not_verified": "검증 실패",
        "timestamped": "시점 확인됨",
        "awaiting_timestamp": "시점 확인 대기",
        "no_packet": "증거 묶음 없음",
        "metadata": "메타데이터",
        "break": "이번 세션에서 {count}건을 검토했습니다. 잠시 쉬세요: 일어나서 물을 마시고 먼 곳을 바라보세요.",
        "recipient": "받는 곳",
        "reason": "사유",
        "hash_only": "해시만 (미디어 제외)",
        "cases": "사건",
        "confirmed_hits": "확인된 탐지 결과",
        "download": "내보내고 내려받기",
        "export_note": "확인된 탐지 결과만 내보냅니다. 내보내기는 각 증거 묶음의 관리 기록에 남습니다.",
        "nothing_to_export": "내보낼 확인 건이 없습니다.",
        "role": "역할",
        "add_user": "사용자 추가",
        "user_added": "사용자를 추가했습니다.",
        "user_exists": "이미 있는 이름입니다.",
        "weak_password": "비밀번호는 12자 이상이어야 합니다.",
        "upload": "올리기",
        "entries_added": "새 항목 {added}개 (파일 전체 {total}개).",
        "blocklist_note": "해시만 담긴 CSV 또는 JSONL. 사진은 절대 올리지 마세요.",
        "forbidden": "이 페이지에 접근할 권한이 없습니다.",
        "not_found": "찾을 수 없습니다.",
        "bad_request": "양식이 받아들여지지 않았습니다(만료되었을 수 있음). 다시 시도하세요.",
        "frames": "주요 장면 (동영상, 재생하지 않음)",
        "last_run": "마지막 실행",
        "kind": "종류",
        "schedule": "일정",
        "language": "언어",
        "decisions": "결정",
        "by": "작성자",
        "verdict": "판정",
        "entries": "항목",
        "file": "파일",
        "count": "개수",
    },
}


def choose_language(chosen: str | None, setting: str, accept_language: str) -> str:
    """The reviewer's choice, else the setting, else the first supported language the browser asks for."""
    if chosen in LANGUAGES:
        return chosen
    if setting in LANGUAGES:
        return setting
    for part in accept_language.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"


def translator(language: str) -> Translator:
    return Translator(MESSAGES.get(language, MESSAGES["en"]))


class Translator:
    """``t("key", **values)`` in one language, falling back to English."""

    def __init__(self, messages: dict[str, str]) -> None:
        self.messages = messages

    def __call__(self, key: str, **values: object) -> str:
        text = self.messages.get(key) or MESSAGES["en"].get(key, key)
        return text.format(**values) if values else text
