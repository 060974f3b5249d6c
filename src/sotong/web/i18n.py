"""User-interface strings of the wall display and the attendee pages, in Korean and English."""

from __future__ import annotations

from typing import Final

DEFAULT_LOCALE: Final = "ko"

MESSAGES: dict[str, dict[str, str]] = {
    "ko": {
        "wall_label": "소셜월",
        "live": "실시간",
        "connecting": "연결하는 중…",
        "offline": "연결이 끊겼습니다 · 다시 연결하는 중",
        "empty_title": "해시태그를 달아 게시물을 올려 보세요",
        "empty_hint": "올린 게시물이 이 화면에 바로 나타납니다",
        "pinned": "고정",
        "featured": "추천",
        "sensitive_media": "민감한 미디어는 가렸습니다",
        "more_media": "사진 더 보기",
        "source_mastodon": "마스토돈",
        "source_bluesky": "블루스카이",
        "source_rss": "RSS 피드",
        "source_naver": "네이버",
        "source_api": "API",
        "source_upload": "현장 업로드",
        "source_demo": "데모",
        "source_other": "기타",
        "qr_join": "참여하기",
        "qr_hint": "QR 코드를 찍어 사진을 올려 보세요",
        "announcement": "공지",
        "rail_label": "행사 안내",
        "agenda_label": "프로그램",
        "now_on_stage": "지금 무대에서",
        "up_next": "다음 순서",
        "sponsors_label": "후원",
        "countdown_next": "다음 순서까지",
        "countdown_default": "시작까지",
        "countdown_now": "지금 시작합니다",
        "media_unavailable": "이미지를 불러오지 못했습니다",
        "upload_page_title": "사진 올리기",
        "upload_eyebrow": "소셜월에 사진 올리기",
        "upload_lead": "사진 한 장과 짧은 글을 올리면 행사장 화면에 나와요. 계정은 필요 없어요.",
        "upload_other_language": "English",
        "upload_photo_label": "사진",
        "upload_photo_empty": "아직 고른 사진이 없어요",
        "upload_take_photo": "사진 찍기",
        "upload_choose_photo": "앨범에서 고르기",
        "upload_photo_hint": (
            "큰 사진은 보내기 전에 알맞은 크기로 줄여요. 위치 정보(GPS) 같은 사진 정보는 저장하지 "
            "않아요."
        ),
        "upload_preview_alt": "고른 사진 미리 보기",
        "upload_preview_unavailable": "이 형식은 여기서 미리 볼 수 없지만 그대로 보낼 수 있어요.",
        "upload_caption_label": "하고 싶은 말 (선택)",
        "upload_caption_placeholder": "오늘 행사 어떠세요?",
        "upload_name_label": "이름 또는 별명 (선택)",
        "upload_name_hint": "비워 두면 익명으로 올라가요.",
        "upload_counter": "{count}/{max}자",
        "upload_tags_label": "해시태그",
        "upload_tags_added": "자동으로 붙여 드려요",
        "upload_consent_label": "이 사진과 글이 행사장의 공개 화면에 나오는 것에 동의합니다.",
        "upload_consent_hint": "올린 뒤에도 내 게시물 페이지에서 언제든 지울 수 있어요.",
        "upload_submit": "화면에 올리기",
        "upload_preparing": "사진을 준비하는 중…",
        "upload_sending": "보내는 중…",
        "upload_progress_label": "보낸 정도",
        "upload_progress": "{percent}% 보냈어요",
        "upload_sent": "다 보냈어요. 잠시만 기다려 주세요…",
        "upload_retry": "다시 시도",
        "upload_noscript": "사진을 올리려면 브라우저에서 자바스크립트를 켜 주세요.",
        "upload_error_photo_required": "올릴 사진을 골라 주세요.",
        "upload_error_consent_required": (
            "화면에 공개하려면 동의가 필요해요. 동의 상자에 체크해 주세요."
        ),
        "upload_error_caption_too_long": "글이 너무 길어요. {max}자 이내로 줄여 주세요.",
        "upload_error_name_too_long": "이름이 너무 길어요. {max}자 이내로 써 주세요.",
        "upload_error_too_large": "사진 파일이 너무 커요. 다른 사진을 골라 주세요.",
        "upload_error_unsupported_type": (
            "올릴 수 없는 파일이에요. JPEG, PNG, HEIC 같은 사진을 골라 주세요."
        ),
        "upload_error_polyglot": "사진 파일로 확인되지 않아요. 다른 사진을 골라 주세요.",
        "upload_error_too_many_pixels": "사진 해상도가 너무 커요. 다른 사진을 골라 주세요.",
        "upload_error_corrupt": "사진 파일이 손상되어 열 수 없어요. 다른 사진을 골라 주세요.",
        "upload_error_rate_limited": "방금 여러 번 올리셨어요. {wait} 뒤에 다시 시도해 주세요.",
        "upload_error_wall_not_found": "이 소셜월을 찾을 수 없어요. QR 코드를 다시 찍어 주세요.",
        "upload_error_uploads_closed": "지금은 이 소셜월에 사진을 올릴 수 없어요.",
        "upload_error_cross_site": (
            "이 페이지에서만 올릴 수 있어요. 페이지를 새로 고친 뒤 다시 시도해 주세요."
        ),
        "upload_error_network": (
            "연결이 불안정해서 보내지 못했어요. 사진은 그대로 있으니 다시 시도해 주세요."
        ),
        "upload_error_server": (
            "서버에 문제가 있어 올리지 못했어요. 사진은 그대로 있으니 다시 시도해 주세요."
        ),
        "upload_error_unknown": "사진을 올리지 못했어요.",
        "status_page_title": "내 게시물",
        "status_heading": "내 게시물",
        "status_other_language": "English",
        "status_photo_alt": "내가 올린 사진",
        "status_photo_processing": "사진을 처리하는 중이에요",
        "status_anonymous": "익명",
        "status_received": "받았어요 · 사진을 처리하고 있어요",
        "status_pending": "검토를 기다리는 중이에요",
        "status_pending_hint": "운영진이 확인하면 화면에 나와요. 이 페이지는 저절로 새로 고쳐져요.",
        "status_on_screen": "화면에 나오고 있어요",
        "status_on_screen_since": "{time}부터 화면에 나오고 있어요",
        "status_approved_soon": "승인됐어요 · 곧 화면에 나와요",
        "status_not_shown": "화면에 나오지 않아요",
        "status_taken_down": "화면에서 내려갔어요",
        "status_deleted": "삭제했어요",
        "status_reason_declined": "운영진이 이 게시물을 화면에 올리지 않기로 했어요.",
        "status_reason_taken_down": "화면에 나온 뒤 운영진이 내렸어요.",
        "status_reason_withdrawn": "직접 삭제한 게시물이에요. 모든 화면에서 사라졌어요.",
        "status_keep_title": "이 링크를 꼭 저장해 두세요",
        "status_keep_body": (
            "계정 없이 올렸기 때문에, 이 페이지 주소가 게시물을 확인하고 지울 수 있는 유일한 "
            "방법이에요. 북마크하거나 링크를 복사해 두세요."
        ),
        "status_copy_link": "링크 복사",
        "status_link_copied": "링크를 복사했어요",
        "status_delete": "내 게시물 삭제",
        "status_delete_question": "정말 삭제할까요?",
        "status_delete_warning": "모든 화면에서 바로 사라지고, 되돌릴 수 없어요.",
        "status_delete_confirm": "네, 삭제할게요",
        "status_delete_cancel": "취소",
        "status_deleting": "삭제하는 중…",
        "status_delete_failed": "삭제하지 못했어요. 연결을 확인하고 다시 시도해 주세요.",
        "status_not_found": "이 게시물을 찾을 수 없어요. 링크를 다시 확인해 주세요.",
        "status_offline": "연결이 끊겨 상태를 새로 고치지 못하고 있어요. 다시 연결하는 중…",
        "status_post_another": "사진 하나 더 올리기",
    },
    "en": {
        "wall_label": "Social wall",
        "live": "Live",
        "connecting": "Connecting…",
        "offline": "Offline · reconnecting",
        "empty_title": "Post with the hashtag to appear here",
        "empty_hint": "Your post shows up on this screen right away",
        "pinned": "Pinned",
        "featured": "Featured",
        "sensitive_media": "Sensitive media hidden",
        "more_media": "More photos",
        "source_mastodon": "Mastodon",
        "source_bluesky": "Bluesky",
        "source_rss": "RSS feed",
        "source_naver": "Naver",
        "source_api": "API",
        "source_upload": "Uploaded at the venue",
        "source_demo": "Demo",
        "source_other": "Other",
        "qr_join": "Join in",
        "qr_hint": "Scan the QR code to post a photo",
        "announcement": "Notice",
        "rail_label": "Event information",
        "agenda_label": "Programme",
        "now_on_stage": "Now on stage",
        "up_next": "Up next",
        "sponsors_label": "Sponsors",
        "countdown_next": "Next session in",
        "countdown_default": "Starts in",
        "countdown_now": "Starting now",
        "media_unavailable": "Image unavailable",
        "upload_page_title": "Post a photo",
        "upload_eyebrow": "Post to the social wall",
        "upload_lead": (
            "Share a photo and a few words on the screen at the event. No account needed."
        ),
        "upload_other_language": "한국어",
        "upload_photo_label": "Photo",
        "upload_photo_empty": "No photo chosen yet",
        "upload_take_photo": "Take a photo",
        "upload_choose_photo": "Choose from gallery",
        "upload_photo_hint": (
            "Large photos are made smaller before sending. Location (GPS) and other photo details "
            "are not kept."
        ),
        "upload_preview_alt": "Preview of the chosen photo",
        "upload_preview_unavailable": (
            "This format can't be previewed here, but it can be sent as it is."
        ),
        "upload_caption_label": "Caption (optional)",
        "upload_caption_placeholder": "How is the event going?",
        "upload_name_label": "Name or nickname (optional)",
        "upload_name_hint": "Leave it empty to post anonymously.",
        "upload_counter": "{count}/{max}",
        "upload_tags_label": "Hashtags",
        "upload_tags_added": "Added for you",
        "upload_consent_label": (
            "I agree that this photo and caption are shown on the public screen at the event."
        ),
        "upload_consent_hint": "You can delete your post at any time from its page.",
        "upload_submit": "Post to the screen",
        "upload_preparing": "Preparing the photo…",
        "upload_sending": "Sending…",
        "upload_progress_label": "Upload progress",
        "upload_progress": "{percent}% sent",
        "upload_sent": "Sent. One moment…",
        "upload_retry": "Try again",
        "upload_noscript": "Please turn on JavaScript in your browser to post a photo.",
        "upload_error_photo_required": "Please choose a photo.",
        "upload_error_consent_required": (
            "Your consent is needed to show the post on the screen. Please tick the box."
        ),
        "upload_error_caption_too_long": (
            "The caption is too long. Please keep it to {max} characters."
        ),
        "upload_error_name_too_long": "The name is too long. Please keep it to {max} characters.",
        "upload_error_too_large": "The photo file is too large. Please choose another photo.",
        "upload_error_unsupported_type": (
            "This file can't be posted. Please choose a photo (JPEG, PNG, HEIC…)."
        ),
        "upload_error_polyglot": (
            "This file could not be accepted as a photo. Please choose another one."
        ),
        "upload_error_too_many_pixels": (
            "The photo's resolution is too high. Please choose another one."
        ),
        "upload_error_corrupt": (
            "The photo file is damaged and can't be opened. Please choose another one."
        ),
        "upload_error_rate_limited": (
            "You have posted several times just now. Please try again in {wait}."
        ),
        "upload_error_wall_not_found": (
            "This wall could not be found. Please scan the QR code again."
        ),
        "upload_error_uploads_closed": "This wall is not taking photos right now.",
        "upload_error_cross_site": (
            "Photos can only be posted from this page. Please reload it and try again."
        ),
        "upload_error_network": (
            "The connection dropped before the photo was sent. Your photo is still here: please "
            "try again."
        ),
        "upload_error_server": (
            "Something went wrong on the server. Your photo is still here: please try again."
        ),
        "upload_error_unknown": "The photo could not be posted.",
        "status_page_title": "My post",
        "status_heading": "Your post",
        "status_other_language": "한국어",
        "status_photo_alt": "The photo you posted",
        "status_photo_processing": "Processing the photo",
        "status_anonymous": "Anonymous",
        "status_received": "Received · processing the photo",
        "status_pending": "Waiting for review",
        "status_pending_hint": (
            "It appears on the screen once the organisers have checked it. This page updates by "
            "itself."
        ),
        "status_on_screen": "On the screen",
        "status_on_screen_since": "On the screen since {time}",
        "status_approved_soon": "Approved · on the screen in a moment",
        "status_not_shown": "Not shown",
        "status_taken_down": "Taken off the screen",
        "status_deleted": "Deleted",
        "status_reason_declined": "The organisers decided not to show this post.",
        "status_reason_taken_down": "The organisers removed it after it was shown.",
        "status_reason_withdrawn": "You deleted this post. It has left every screen.",
        "status_keep_title": "Keep this link",
        "status_keep_body": (
            "You posted without an account, so this page's address is the only way back to your "
            "post, to check it or delete it. Bookmark it or copy the link."
        ),
        "status_copy_link": "Copy link",
        "status_link_copied": "Link copied",
        "status_delete": "Delete my post",
        "status_delete_question": "Delete this post?",
        "status_delete_warning": "It leaves every screen at once. This cannot be undone.",
        "status_delete_confirm": "Yes, delete it",
        "status_delete_cancel": "Cancel",
        "status_deleting": "Deleting…",
        "status_delete_failed": (
            "The post could not be deleted. Please check the connection and try again."
        ),
        "status_not_found": "This post could not be found. Please check the link.",
        "status_offline": "Offline: the status cannot be refreshed. Reconnecting…",
        "status_post_another": "Post another photo",
    },
}


def messages(locale: str) -> dict[str, str]:
    """The strings for `locale` ("ko", "en", also "en-US" or "ko_KR"); Korean when unknown."""
    language = locale.replace("_", "-").split("-", 1)[0].strip().lower()
    return dict(MESSAGES.get(language, MESSAGES[DEFAULT_LOCALE]))
