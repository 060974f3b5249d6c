"""Console strings in Korean and English."""

from __future__ import annotations

from typing import Final

CONSOLE_MESSAGES: Final[dict[str, dict[str, str]]] = {
    "ko": {
        "console": "소통 관리 콘솔",
        "sign_in": "로그인",
        "sign_out": "로그아웃",
        "email": "이메일",
        "password": "비밀번호",
        "bad_login": "이메일 또는 비밀번호가 맞지 않습니다.",
        "throttled": "로그인 시도가 너무 많습니다. {seconds}초 뒤에 다시 시도해 주세요.",
        "walls": "소셜월",
        "open_wall": "화면 열기",
        "upload_page": "사진 올리기 페이지",
        "qr_svg": "QR 코드 (SVG)",
        "qr_png": "QR 코드 (PNG, 인쇄용)",
        "signed_in_as": "{email} ({role})로 로그인함",
        "change_password": "비밀번호 바꾸기",
        "current_password": "지금 비밀번호",
        "new_password": "새 비밀번호",
        "confirm_password": "새 비밀번호 확인",
        "password_changed": "비밀번호를 바꿨습니다. 다른 기기의 로그인은 모두 끝났습니다.",
        "wrong_current": "지금 비밀번호가 맞지 않습니다.",
        "mismatch": "새 비밀번호 두 개가 서로 다릅니다.",
        "save": "저장",
        "role_owner": "소유자",
        "role_moderator": "검수자",
        "role_judge": "심사위원",
        "hashtags": "해시태그",
        "moderation_pre": "사전 검수",
        "moderation_post": "사후 검수",
    },
    "en": {
        "console": "Sotong console",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "email": "E-mail",
        "password": "Password",
        "bad_login": "The e-mail address or the password is wrong.",
        "throttled": "Too many sign-in attempts. Try again in {seconds} seconds.",
        "walls": "Walls",
        "open_wall": "Open the screen",
        "upload_page": "Photo upload page",
        "qr_svg": "QR code (SVG)",
        "qr_png": "QR code (PNG, for print)",
        "signed_in_as": "Signed in as {email} ({role})",
        "change_password": "Change password",
        "current_password": "Current password",
        "new_password": "New password",
        "confirm_password": "Repeat the new password",
        "password_changed": "Password changed. Every other sign-in has ended.",
        "wrong_current": "The current password is wrong.",
        "mismatch": "The two new passwords differ.",
        "save": "Save",
        "role_owner": "owner",
        "role_moderator": "moderator",
        "role_judge": "judge",
        "hashtags": "Hashtags",
        "moderation_pre": "pre-moderation",
        "moderation_post": "post-moderation",
    },
}


def console_messages(locale: str) -> dict[str, str]:
    return dict(CONSOLE_MESSAGES.get(locale, CONSOLE_MESSAGES["ko"]))
