"""Words the public sees about a contest (the wall's reveal, the claim and vote pages, the prize box
on an uploader's status page, the message sent to a winner), in Korean and English, in the style of
`sotong.web.i18n`. The console's own words are in its Babel catalogue."""

from __future__ import annotations

from typing import Final

DEFAULT_LOCALE: Final = "ko"

MESSAGES: Final[dict[str, dict[str, str]]] = {
    "ko": {
        "reveal_eyebrow": "창의성 콘테스트",
        "reveal_winners_of": "{prize} 당첨자",
        "reveal_congratulations": "축하합니다!",
        "reveal_prizes": "경품",
        "reveal_count": "{count}명",
        "claim_page_title": "경품 받기",
        "claim_eyebrow": "당첨을 축하합니다",
        "claim_lead": "{contest}에서 {prize}에 당첨되셨어요. 경품을 받을 방법을 알려 주세요.",
        "claim_other_language": "English",
        "claim_code_label": "수령 코드",
        "claim_name_label": "이름",
        "claim_phone_label": "휴대전화 번호",
        "claim_phone_hint": "경품 전달에 관해 연락드릴 때만 써요.",
        "claim_delivery_label": "받는 방법",
        "claim_delivery_desk": "행사장 안내 데스크에서 받기",
        "claim_delivery_mail": "우편으로 받기",
        "claim_address_label": "받을 주소 (우편일 때만)",
        "claim_privacy_title": "개인정보 수집·이용 안내",
        "claim_privacy_purpose": "목적: 경품 전달과 그에 필요한 연락",
        "claim_privacy_items": "항목: 이름, 휴대전화 번호, (우편 수령 시) 주소",
        "claim_privacy_retention": (
            "보유 기간: 경품을 전달한 날부터 {days}일 뒤 자동으로 삭제해요. 전달하지 못하면 "
            "신청일부터 {undelivered}일 뒤 삭제해요."
        ),
        "claim_privacy_refuse": (
            "동의하지 않을 수 있어요. 다만 이 경우 경품을 받을 수 없어요. 당첨되지 않은 분의 "
            "개인정보는 받지 않아요."
        ),
        "claim_privacy_access": "이 정보는 행사 운영 책임자만 볼 수 있고, 열람할 때마다 기록돼요.",
        "claim_consent_label": "위 내용을 읽었고, 개인정보 수집·이용에 동의합니다.",
        "claim_submit": "경품 신청하기",
        "claim_done_title": "신청을 받았어요",
        "claim_done_desk": "행사장 안내 데스크에서 수령 코드를 보여 주세요.",
        "claim_done_mail": "적어 주신 주소로 보내 드릴게요.",
        "claim_already": "이 경품은 이미 신청했어요.",
        "claim_delivered": "경품을 전달했어요. 고맙습니다!",
        "claim_out_of_stock": (
            "죄송해요. 이 경품이 모두 나갔어요. 행사장 안내 데스크로 문의해 주세요."
        ),
        "claim_error_form": "표시한 칸을 확인해 주세요.",
        "claim_error_name_required": "이름을 적어 주세요.",
        "claim_error_name_too_long": "이름이 너무 길어요.",
        "claim_error_phone_invalid": "휴대전화 번호를 숫자로 적어 주세요 (예: 010-1234-5678).",
        "claim_error_delivery_required": "받는 방법을 골라 주세요.",
        "claim_error_address_required": "우편으로 받으려면 주소를 적어 주세요.",
        "claim_error_address_too_long": "주소가 너무 길어요.",
        "claim_error_consent_required": "경품을 받으려면 개인정보 수집·이용에 동의해 주세요.",
        "claim_error_cross_site": (
            "이 페이지에서만 신청할 수 있어요. 새로 고친 뒤 다시 시도해 주세요."
        ),
        "prize_title": "당첨을 축하합니다!",
        "prize_body": "{contest}에서 {prize}에 당첨되셨어요.",
        "prize_claim": "경품 받기",
        "prize_code": "수령 코드: {code}",
        "prize_claimed": "경품을 신청했어요. 수령 코드를 데스크에서 보여 주세요.",
        "prize_delivered": "경품을 받으셨어요.",
        "message_template": (
            "축하합니다! {contest}에서 {prize}에 당첨되셨어요. 아래 링크에서 경품 받을 방법을 "
            "알려 주세요(당첨자만 입력하며, 전달 후 삭제돼요): {link}"
        ),
        "vote_page_title": "마음에 드는 게시물 투표",
        "vote_eyebrow": "관객 투표",
        "vote_lead": "가장 마음에 드는 게시물 하나에 투표해 주세요. 한 기기에서 한 표예요.",
        "vote_other_language": "English",
        "vote_button": "이 게시물에 투표",
        "vote_mine": "내 표",
        "vote_thanks": "투표했어요. 다른 게시물을 고르면 표를 옮길 수 있어요.",
        "vote_closed": "지금은 투표를 받지 않아요.",
        "vote_none": "아직 투표할 게시물이 없어요.",
        "vote_rate_limited": "잠시 뒤에 다시 시도해 주세요.",
        "vote_error": "투표하지 못했어요. 페이지를 새로 고친 뒤 다시 시도해 주세요.",
        "anonymous": "익명",
    },
    "en": {
        "reveal_eyebrow": "Creativity contest",
        "reveal_winners_of": "{prize} winners",
        "reveal_congratulations": "Congratulations!",
        "reveal_prizes": "Prizes",
        "reveal_count": "× {count}",
        "claim_page_title": "Claim your prize",
        "claim_eyebrow": "Congratulations",
        "claim_lead": "You won a {prize} in {contest}. Tell us how you would like to receive it.",
        "claim_other_language": "한국어",
        "claim_code_label": "Claim code",
        "claim_name_label": "Name",
        "claim_phone_label": "Mobile phone number",
        "claim_phone_hint": "Used only to contact you about the prize.",
        "claim_delivery_label": "How to receive it",
        "claim_delivery_desk": "Pick it up at the venue's desk",
        "claim_delivery_mail": "Send it by mail",
        "claim_address_label": "Mail address (only for mail)",
        "claim_privacy_title": "How we use your personal data",
        "claim_privacy_purpose": "Purpose: delivering the prize and contacting you about it",
        "claim_privacy_items": "Data: name, mobile phone number, and (for mail) address",
        "claim_privacy_retention": (
            "Kept for: {days} days after the prize is delivered, then deleted automatically; if it "
            "cannot be delivered, {undelivered} days after this claim."
        ),
        "claim_privacy_refuse": (
            "You may refuse, but then the prize cannot be given to you. Nobody who did not win is "
            "ever asked for personal data."
        ),
        "claim_privacy_access": (
            "Only the event's organisers can see it, and every time they do is recorded."
        ),
        "claim_consent_label": "I have read the above and agree to this use of my personal data.",
        "claim_submit": "Claim the prize",
        "claim_done_title": "Your claim is in",
        "claim_done_desk": "Show your claim code at the venue's desk.",
        "claim_done_mail": "We will send it to the address you gave.",
        "claim_already": "This prize has already been claimed.",
        "claim_delivered": "The prize has been delivered. Thank you!",
        "claim_out_of_stock": "Sorry, this prize has run out. Please ask at the venue's desk.",
        "claim_error_form": "Please check the marked fields.",
        "claim_error_name_required": "Please give your name.",
        "claim_error_name_too_long": "The name is too long.",
        "claim_error_phone_invalid": "Please give a phone number in digits (e.g. 010-1234-5678).",
        "claim_error_delivery_required": "Please choose how to receive the prize.",
        "claim_error_address_required": "Please give an address for delivery by mail.",
        "claim_error_address_too_long": "The address is too long.",
        "claim_error_consent_required": "Your consent is needed to deliver the prize.",
        "claim_error_cross_site": "Claims are accepted from this page only. Reload it and retry.",
        "prize_title": "Congratulations!",
        "prize_body": "You won a {prize} in {contest}.",
        "prize_claim": "Claim the prize",
        "prize_code": "Claim code: {code}",
        "prize_claimed": "Claimed. Show your claim code at the desk.",
        "prize_delivered": "You have received the prize.",
        "message_template": (
            "Congratulations! You won a {prize} in {contest}. Tell us how to get it to you here "
            "(only winners are asked; deleted after delivery): {link}"
        ),
        "vote_page_title": "Vote for your favourite post",
        "vote_eyebrow": "Audience vote",
        "vote_lead": "Vote for the one post you like best. One vote per device.",
        "vote_other_language": "한국어",
        "vote_button": "Vote for this post",
        "vote_mine": "Your vote",
        "vote_thanks": "Thank you! Choose another post to move your vote.",
        "vote_closed": "Voting is closed right now.",
        "vote_none": "There is nothing to vote for yet.",
        "vote_rate_limited": "Please try again in a moment.",
        "vote_error": "The vote did not go through. Reload the page and try again.",
        "anonymous": "Anonymous",
    },
}


def contest_messages(locale: str) -> dict[str, str]:
    language = locale.replace("_", "-").split("-", 1)[0].strip().lower()
    return dict(MESSAGES.get(language, MESSAGES[DEFAULT_LOCALE]))


def fill(template: str, **values: object) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", str(value))
    return template
