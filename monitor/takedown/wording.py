"""The fixed sentences of a notice, in Korean and English: categories, legal grounds, statements, labels.

Why here and not in the templates? The JSON form of a notice carries the same sentences as its e-mail text
(a recipient's system may read either), so they are data, looked up by language; the templates only lay
them out. The legal grounds name the statutes without the decree articles that change most often:
성폭력범죄의 처벌 등에 관한 특례법 제14조 (불법촬영물) and 제14조의2 (허위영상물), 아동·청소년의 성보호에
관한 법률 제11조 (아동·청소년성착취물), and for operators 전기통신사업법 제22조의5 (the duty to remove
불법촬영물등 once a victim or a designated institution asks).
"""

from __future__ import annotations

from config.recipients import Capacity, Category, Language, Role

CATEGORY = {
    Language.KO: {
        Category.ILLEGAL_FILMING: "불법촬영물",
        Category.DEEPFAKE: "허위영상물",
        Category.CHILD_EXPLOITATION: "아동·청소년성착취물",
    },
    Language.EN: {
        Category.ILLEGAL_FILMING: "intimate image filmed or distributed without consent (불법촬영물)",
        Category.DEEPFAKE: "sexually explicit deepfake (허위영상물)",
        Category.CHILD_EXPLOITATION: "child or adolescent sexual exploitation material (아동·청소년성착취물)",
    },
}

UNLAWFUL = {
    Language.KO: {
        Category.ILLEGAL_FILMING: "촬영 대상자의 의사에 반하여 촬영되었거나 그 의사에 반하여 유포되는 촬영물로, "
        "「성폭력범죄의 처벌 등에 관한 특례법」 제14조에 따라 반포·판매·제공·게시가 금지됩니다.",
        Category.DEEPFAKE: "사람의 얼굴·신체를 대상자의 의사에 반하여 성적 욕망 또는 수치심을 유발할 수 있는 "
        "형태로 편집·합성·가공한 허위영상물로, 「성폭력범죄의 처벌 등에 관한 특례법」 제14조의2에 따라 "
        "반포 등이 금지됩니다.",
        Category.CHILD_EXPLOITATION: "아동·청소년 또는 아동·청소년으로 명백하게 인식될 수 있는 사람이 등장하는 "
        "성착취물로 의심되며, 「아동·청소년의 성보호에 관한 법률」 제11조에 따라 배포·제공·게시가 금지됩니다.",
    },
    Language.EN: {
        Category.ILLEGAL_FILMING: "It is an intimate image filmed, or distributed, against the will of the person "
        "filmed; distributing, selling, providing or posting it is an offence under Article 14 of the Korean Act "
        "on Special Cases Concerning the Punishment of Sexual Crimes.",
        Category.DEEPFAKE: "It is a picture of a person's face or body edited or synthesised, against that "
        "person's will, into sexual material; distributing it is an offence under Article 14-2 of the Korean Act "
        "on Special Cases Concerning the Punishment of Sexual Crimes.",
        Category.CHILD_EXPLOITATION: "It is suspected to show a child or adolescent, or a person clearly "
        "recognisable as one; distributing, providing or posting it is an offence under Article 11 of the Korean "
        "Act on the Protection of Children and Youth against Sex Offences.",
    },
}

OPERATOR_DUTY = {
    Language.KO: "「전기통신사업법」 제22조의5에 따라 부가통신사업자는 피해자 또는 지정된 기관·단체의 신고·삭제요청 "
    "등으로 불법촬영물등의 유통을 명백히 인식한 경우 지체 없이 삭제·접속차단 등 유통방지에 필요한 조치를 하여야 "
    "합니다.",
    Language.EN: "Under Article 22-5 of the Korean Telecommunications Business Act, a service provider that is "
    "made aware of such material by a victim's or a designated institution's request must remove it or block "
    "access to it without delay.",
}

ACTION = {
    Language.KO: {
        Role.OPERATOR: "아래 위치의 자료를 지체 없이 삭제하거나 접속을 차단하고, 조치 결과를 회신하여 주십시오.",
        Role.PLATFORM: "아래 위치의 자료를 지체 없이 삭제하거나 접속을 차단하고, 조치 결과를 회신하여 주십시오.",
        Role.REGULATOR: "아래 위치의 정보에 대한 심의 및 시정요구(삭제 또는 접속차단)를 요청합니다.",
        Role.SUPPORT_CENTRE: "아래 위치의 자료에 대한 삭제 지원을 요청합니다.",
        Role.POLICE: "아래 위치의 자료 유포에 대한 수사와 삭제·차단 조치를 요청합니다.",
    },
    Language.EN: {
        Role.OPERATOR: "Please remove the material at the locations below, or block access to it, without delay, "
        "and reply with what was done.",
        Role.PLATFORM: "Please remove the material at the locations below, or block access to it, without delay, "
        "and reply with what was done.",
        Role.REGULATOR: "We ask for a review of the information at the locations below and an order to delete it "
        "or block access to it.",
        Role.SUPPORT_CENTRE: "We ask for deletion support for the material at the locations below.",
        Role.POLICE: "We report the distribution of the material at the locations below and ask for an "
        "investigation and for its removal or blocking.",
    },
}

STILL_ONLINE = {
    Language.KO: "아래 위치는 앞서 다른 기관·사업자에 삭제를 요청한 뒤에도 계속 게시되어 있습니다.",
    Language.EN: "The locations below are still online after an earlier request to another recipient.",
}

GOOD_FAITH = {
    Language.KO: "요청인은 이 요청서의 내용이 정확하며, 위 위치의 자료가 촬영 대상자의 동의 없이 유통되고 있다고 "
    "선의로 믿습니다.",
    Language.EN: "We state in good faith that the information in this notice is accurate and that the material at "
    "these locations is distributed without the consent of the person depicted.",
}

DETECTION = {
    Language.KO: "이 자료는 피해자 측이 제공한 해시(사진이 아닌 지문값)와의 자동 대조로 탐지되었고, 요청인 측 "
    "검토자가 한 건씩 직접 확인하였습니다.",
    Language.EN: "The material was found automatically, by matching against hashes supplied on the victim's behalf "
    "(fingerprints, not pictures), and every match was confirmed by a person reviewing it for the requester.",
}

PRIVACY = {
    Language.KO: "이 요청서에는 이미지를 첨부하지 않으며 피해자의 신원을 적지 않습니다. 보존된 증거는 위의 "
    "패킷 ID와 SHA-256으로 특정되며, 필요한 경우 요청인을 통해 확인하실 수 있습니다.",
    Language.EN: "This notice carries no picture and does not name the victim. The preserved evidence is identified "
    "by the packet ids and SHA-256 digests above; the requester can make it available where the law allows.",
}

CAPACITY = {
    Language.KO: {
        Capacity.VICTIM: "피해자 본인",
        Capacity.SUPPORT_CENTRE: "피해자 지원기관",
        Capacity.DESIGNATED_INSTITUTION: "불법촬영물등 신고·삭제요청 기관·단체",
    },
    Language.EN: {
        Capacity.VICTIM: "the victim",
        Capacity.SUPPORT_CENTRE: "a victim support centre",
        Capacity.DESIGNATED_INSTITUTION: "an institution designated to report and request removal (Korea)",
    },
}

IDENTIFIER = {
    Language.KO: {
        "channel_username": "채널 사용자명",
        "channel_id": "채널 ID",
        "message_id": "게시물 번호",
        "grouped_id": "앨범 ID",
        "sender_username": "게시자 사용자명",
        "sender_id": "게시자 ID",
        "forwarded_from": "전달 원본",
    },
    Language.EN: {
        "channel_username": "channel username",
        "channel_id": "channel id",
        "message_id": "message id",
        "grouped_id": "album id",
        "sender_username": "poster username",
        "sender_id": "poster id",
        "forwarded_from": "forwarded from",
    },
}
