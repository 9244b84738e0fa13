#!/usr/bin/env python3
"""Generate byte-level TL fixtures with Telethon as an independent reference.

Builds a fixed set of TL objects (constructors and method calls) with
Telethon 1.45.0's generated classes (TL layer 229, the layer of our
schema), serializes each one boxed with ``bytes(obj)`` and writes them to
``Tests/TLSchemaTests/Fixtures/telethon_objects.json`` as a JSON array of

    {"name": "<unique fixture name>",
     "tl":   "<constructor or method name as spelled in api.tl>",
     "hex":  "<lowercase hex of the boxed serialization>"}

sorted by name. Every value is fixed: re-running the script produces the same
file byte for byte.

Before writing, every fixture is checked:
  * every TL object in the tree (top level and nested, walked recursively)
    has a constructor that exists in api.tl / mtproto.tl with the same
    constructor id and the same name as Telethon's class;
  * the first 4 bytes of the serialization are the top-level constructor id;
  * Telethon's own reader decodes the bytes completely and re-encoding the
    decoded object gives the same bytes.

Re-run (from the repository root):

    pip install -r Scripts/telethon/requirements.txt && python3 Scripts/telethon/make_tl_fixtures.py

Options: ``--out PATH`` (or a positional PATH; default: the fixture path
above, relative to the repository root found from this script's location) and
``--schema-dir DIR`` (a folder with api.tl and mtproto.tl; default: the
repository's ``schema/``, else ``shared/schema`` beside the repository).
"""

import argparse
import hashlib
import inspect
import json
import re
import struct
import sys
from pathlib import Path

import telethon
from telethon.extensions import BinaryReader
from telethon.tl import TLObject
from telethon.tl import functions as F
from telethon.tl import types as T
from telethon.tl.alltlobjects import LAYER

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "Tests" / "TLSchemaTests" / "Fixtures" / "telethon_objects.json"
SCHEMA_DIR_CANDIDATES = [REPO_ROOT / "schema", REPO_ROOT.parent / "shared" / "schema"]
DEFAULT_SCHEMA_DIR = next(
    (d for d in SCHEMA_DIR_CANDIDATES if (d / "api.tl").is_file()), SCHEMA_DIR_CANDIDATES[0])

EXPECTED_TELETHON = "1.45.0"
EXPECTED_LAYER = 229
MIN_FIXTURES = 45


# --------------------------------------------------------------------------
# Deterministic data helpers
# --------------------------------------------------------------------------

# The 2048-bit safe prime Telegram uses for DH and for 2FA SRP (g = 3).
TELEGRAM_P = int(
    "c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f"
    "48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c37"
    "20fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64"
    "2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4"
    "a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754"
    "fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4"
    "e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f"
    "0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b",
    16,
)
TELEGRAM_P_BYTES = TELEGRAM_P.to_bytes(256, "big")


def pattern(n, mul=13, add=7):
    """n bytes: (i*mul + add) & 0xff."""
    return bytes((i * mul + add) & 0xFF for i in range(n))


def digest(label, n=32):
    """n deterministic pseudo-random bytes derived from a label."""
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}/{counter}".encode()).digest()
        counter += 1
    return out[:n]


def group_element(exponent):
    """3^exponent mod p as 256 big-endian bytes (a valid SRP group element)."""
    return pow(3, exponent, TELEGRAM_P).to_bytes(256, "big")


_TEXT_PIECES = ["Привет", ", ", "мир", " 👋 ", "hello", " — ", "ёжик", " 🇺🇦🙂 ", "TL"]


def utf8_text(n):
    """A string mixing ASCII, Cyrillic and emoji whose UTF-8 form is exactly n bytes."""
    parts, size, i = [], 0, 0
    while True:
        piece = _TEXT_PIECES[i % len(_TEXT_PIECES)]
        piece_len = len(piece.encode("utf-8"))
        if size + piece_len > n:
            break
        parts.append(piece)
        size += piece_len
        i += 1
    parts.append("x" * (n - size))
    text = "".join(parts)
    assert len(text.encode("utf-8")) == n
    return text


def ascii_text(n):
    return "".join(chr(ord("a") + i % 26) for i in range(n))


# Fixed timestamps.
DATE = 1735689600  # 2025-01-01T00:00:00Z
DATE2 = 1735693200
DATE3 = 1735700000

# Fixed ids / hashes (longs exercise the full signed 64-bit range).
SELF_ID = 5000000001
ALICE_ID = 1234567890
BOT_ID = 7000000042
CHAT_ID = 4001234567
CHANNEL_ID = 1987654321
SUPERGROUP_ID = 2112345678
ALICE_HASH = -0x1122334455667788
BOT_HASH = 0x0123456789ABCDEF
CHANNEL_HASH = -0x7FFFFFFFFFFFFFFF
SUPERGROUP_HASH = 0x7FFFFFFFFFFFFFFF


# --------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------

def peer_color(color, emoji=None):
    return T.PeerColor(color=color, background_emoji_id=emoji)


def user_profile_photo():
    return T.UserProfilePhoto(
        photo_id=0x5A5A5A5A12345678, dc_id=2, has_video=True, personal=False,
        stripped_thumb=pattern(40, 31, 1),
    )


def user_many_flags():
    """A user with most non-bot flags and flags2 fields set."""
    return T.User(
        id=ALICE_ID,
        contact=True, mutual_contact=True, verified=True, restricted=True,
        support=False, scam=False, apply_min_photo=True, fake=False,
        premium=True, attach_menu_enabled=True,
        close_friend=True, stories_hidden=True, stories_unavailable=False,
        contact_require_premium=True,
        access_hash=ALICE_HASH,
        first_name="Алиса",
        last_name="Кузнецова 🌸",
        username="alice_k",
        phone="79991234567",
        photo=user_profile_photo(),
        status=T.UserStatusOffline(was_online=DATE2),
        restriction_reason=[
            T.RestrictionReason(platform="ios", reason="porn", text="Недоступно"),
            T.RestrictionReason(platform="all", reason="copyright", text=""),
        ],
        lang_code="ru",
        emoji_status=T.EmojiStatus(document_id=5368324170671202286, until=DATE3),
        usernames=[
            T.Username(username="alice_k", editable=True, active=True),
            T.Username(username="alice_collectible", active=True),
            T.Username(username="alice_old"),
        ],
        stories_max_id=T.RecentStory(live=True, max_id=42),
        color=peer_color(5, 5301213456789012345),
        profile_color=peer_color(3),
        send_paid_messages_stars=250,
    )


def user_bot():
    """A bot user: bot flags plus bot_info_version (shares flag bit 14 with `bot`)."""
    return T.User(
        id=BOT_ID,
        bot=True, bot_chat_history=True, bot_nochats=False, bot_inline_geo=True,
        bot_attach_menu=True, bot_can_edit=True, bot_business=True,
        bot_has_main_app=True, verified=True,
        access_hash=BOT_HASH,
        first_name="Helper Bot 🤖",
        username="helper_bot",
        photo=T.UserProfilePhotoEmpty(),
        bot_info_version=7,
        bot_inline_placeholder="Search…",
        bot_active_users=123456,
        bot_verification_icon=5000000000000000001,
        usernames=[T.Username(username="helper_bot", editable=True, active=True)],
    )


def user_self():
    return T.User(
        id=SELF_ID, is_self=True, contact=False, access_hash=-1,
        first_name="Me", phone="15551234567",
        status=T.UserStatusOnline(expires=DATE3), lang_code="en",
    )


def user_min():
    return T.User(id=ALICE_ID + 1, min=True, first_name="Bob",
                  status=T.UserStatusRecently(by_me=True))


def chat_photo():
    return T.ChatPhoto(photo_id=0x0102030405060708, dc_id=4, has_video=False,
                       stripped_thumb=pattern(24, 5, 9))


def admin_rights():
    return T.ChatAdminRights(
        change_info=True, post_messages=True, edit_messages=True, delete_messages=True,
        ban_users=True, invite_users=True, pin_messages=True, manage_call=True,
        other=True, manage_topics=True, post_stories=True, edit_stories=True,
        delete_stories=True,
    )


def banned_rights(until=0):
    return T.ChatBannedRights(
        until_date=until, send_stickers=True, send_gifs=True, send_games=True,
        send_inline=True, embed_links=True, send_polls=True, change_info=True,
        pin_messages=True,
    )


def basic_chat():
    return T.Chat(
        id=CHAT_ID, title="Семейный чат 🏠", photo=chat_photo(),
        participants_count=12, date=DATE, version=3,
        creator=True, call_active=True, noforwards=True,
        migrated_to=T.InputChannel(channel_id=SUPERGROUP_ID, access_hash=SUPERGROUP_HASH),
        admin_rights=admin_rights(),
        default_banned_rights=banned_rights(),
    )


def channel_many_flags():
    """A supergroup with many flags and flags2 fields set."""
    return T.Channel(
        id=SUPERGROUP_ID, title="Swift MTProto 🚀", photo=chat_photo(), date=DATE,
        creator=True, megagroup=True, verified=True, restricted=True, signatures=True,
        has_link=True, has_geo=False, slowmode_enabled=True, call_active=True,
        call_not_empty=True, join_to_send=True, join_request=True, forum=True,
        stories_hidden=True, stories_hidden_min=True, signature_profiles=True,
        autotranslation=True, forum_tabs=True,
        access_hash=SUPERGROUP_HASH,
        username="swift_mtproto",
        restriction_reason=[T.RestrictionReason(platform="android", reason="spam", text="…")],
        admin_rights=admin_rights(),
        banned_rights=banned_rights(DATE3),
        default_banned_rights=banned_rights(),
        participants_count=98765,
        usernames=[
            T.Username(username="swift_mtproto", editable=True, active=True),
            T.Username(username="mtproto_swift", active=False),
        ],
        stories_max_id=T.RecentStory(max_id=1000),
        color=peer_color(1, 1),
        profile_color=peer_color(12, 0x7EEEEEEEEEEEEEEE),
        emoji_status=T.EmojiStatus(document_id=123456789012345),
        level=15,
        subscription_until_date=DATE3,
        bot_verification_icon=77,
        send_paid_messages_stars=10,
        linked_monoforum_id=3000000003,
    )


def channel_broadcast():
    return T.Channel(
        id=CHANNEL_ID, title="News", photo=T.ChatPhotoEmpty(), date=DATE,
        broadcast=True, noforwards=True, broadcast_messages_allowed=True,
        access_hash=CHANNEL_HASH, username="news",
        participants_count=1000000,
    )


def channel_minimal():
    return T.Channel(id=CHANNEL_ID + 1, title="", photo=T.ChatPhotoEmpty(), date=0, min=True)


def photo():
    return T.Photo(
        id=6000000000000000001, access_hash=-6000000000000000001,
        file_reference=pattern(29, 3, 1), date=DATE, dc_id=2, has_stickers=True,
        sizes=[
            T.PhotoStrippedSize(type="i", bytes=pattern(120, 7, 1)),
            T.PhotoSize(type="m", w=320, h=240, size=12345),
            T.PhotoSizeProgressive(type="y", w=1280, h=960, sizes=[10000, 25000, 50000, 80000]),
        ],
        video_sizes=[T.VideoSize(type="u", w=800, h=800, size=654321, video_start_ts=1.5)],
    )


def document_video():
    return T.Document(
        id=7000000000000000001, access_hash=-7000000000000000001,
        file_reference=pattern(17, 11, 3), date=DATE, mime_type="video/mp4",
        size=5_000_000_000, dc_id=4,
        thumbs=[
            T.PhotoStrippedSize(type="i", bytes=pattern(64, 9, 4)),
            T.PhotoSize(type="m", w=320, h=180, size=9876),
        ],
        attributes=[
            T.DocumentAttributeVideo(duration=12.345, w=1920, h=1080, supports_streaming=True,
                                     preload_prefix_size=65536, video_start_ts=0.25,
                                     video_codec="h264"),
            T.DocumentAttributeFilename(file_name="Видео 🎬.mp4"),
        ],
    )


def document_voice():
    return T.Document(
        id=7000000000000000002, access_hash=42, file_reference=b"", date=DATE,
        mime_type="audio/ogg", size=4321, dc_id=2,
        attributes=[
            T.DocumentAttributeAudio(duration=3, voice=True, waveform=pattern(63, 17, 0)),
        ],
    )


def text_entities_message():
    text = "Привет, **мир**! 👋 See https://example.com and `code`"
    return T.Message(
        id=101, peer_id=T.PeerUser(ALICE_ID), date=DATE, message=text,
        out=True, from_id=T.PeerUser(SELF_ID),
        entities=[
            T.MessageEntityBold(offset=8, length=7),
            T.MessageEntityItalic(offset=0, length=6),
            T.MessageEntityTextUrl(offset=22, length=19, url="https://example.com"),
            T.MessageEntityCode(offset=46, length=6),
            T.MessageEntityCustomEmoji(offset=17, length=2, document_id=5368324170671202286),
            T.MessageEntityPre(offset=0, length=3, language="swift"),
            T.MessageEntityMentionName(offset=0, length=6, user_id=ALICE_ID),
            T.MessageEntityBlockquote(offset=0, length=1, collapsed=True),
        ],
    )


def reply_fwd_photo_message():
    return T.Message(
        id=202, peer_id=T.PeerChannel(CHANNEL_ID), date=DATE2,
        message="Фото дня 📷", post=True, silent=True, noforwards=True,
        from_id=T.PeerChannel(CHANNEL_ID),
        fwd_from=T.MessageFwdHeader(
            date=DATE - 86400, from_id=T.PeerUser(ALICE_ID), from_name="Алиса",
            channel_post=17, post_author="Редакция",
            saved_from_peer=T.PeerChat(CHAT_ID), saved_from_msg_id=99,
        ),
        reply_to=T.MessageReplyHeader(
            reply_to_msg_id=150, reply_to_peer_id=T.PeerChannel(CHANNEL_ID),
            reply_to_top_id=100, quote=True, quote_text="цитата",
            quote_entities=[T.MessageEntityBold(offset=0, length=6)], quote_offset=3,
        ),
        media=T.MessageMediaPhoto(photo=photo(), spoiler=True, ttl_seconds=60),
        views=12345, forwards=67,
        replies=T.MessageReplies(replies=5, replies_pts=1000, comments=True,
                                 recent_repliers=[T.PeerUser(ALICE_ID)],
                                 channel_id=SUPERGROUP_ID, max_id=300, read_max_id=299),
        edit_date=DATE3, post_author="Редакция ✍️", grouped_id=-1234567890123456789,
        ttl_period=86400,
    )


def document_message():
    return T.Message(
        id=303, peer_id=T.PeerChat(CHAT_ID), date=DATE3, message="",
        mentioned=True, media_unread=True, from_id=T.PeerUser(BOT_ID),
        via_bot_id=BOT_ID,
        reply_to=T.MessageReplyHeader(reply_to_msg_id=302),
        media=T.MessageMediaDocument(document=document_video(), video=True,
                                     video_timestamp=5),
    )


def service_add_user():
    return T.MessageService(
        id=304, peer_id=T.PeerChat(CHAT_ID), date=DATE3, out=False,
        from_id=T.PeerUser(SELF_ID),
        action=T.MessageActionChatAddUser(users=[ALICE_ID, BOT_ID]),
    )


def service_chat_create():
    return T.MessageService(
        id=1, peer_id=T.PeerChat(CHAT_ID), date=DATE, out=True, silent=True,
        reactions_are_possible=True, from_id=T.PeerUser(SELF_ID),
        action=T.MessageActionChatCreate(title="Семейный чат 🏠", users=[SELF_ID, ALICE_ID]),
        ttl_period=3600,
    )


def update_state(pts=4242, qts=17, date=DATE2, seq=301, unread=3):
    return T.updates.State(pts=pts, qts=qts, date=date, seq=seq, unread_count=unread)


def dc_options():
    return [
        T.DcOption(id=1, ip_address="149.154.175.53", port=443),
        T.DcOption(id=1, ip_address="2001:b28:f23d:f001::a", port=443, ipv6=True),
        T.DcOption(id=2, ip_address="149.154.167.51", port=443, static=True),
        T.DcOption(id=2, ip_address="149.154.167.151", port=443, media_only=True),
        T.DcOption(id=2, ip_address="149.154.167.222", port=443, tcpo_only=True,
                   secret=pattern(16, 37, 11)),
        T.DcOption(id=4, ip_address="149.154.167.91", port=5222, cdn=True,
                   this_port_only=True),
        T.DcOption(id=203, ip_address="91.105.192.100", port=443, cdn=True),
    ]


def config():
    return T.Config(
        date=DATE, expires=DATE + 3600, test_mode=False, this_dc=2,
        dc_options=dc_options(), dc_txt_domain_name="apv3.stel.com",
        chat_size_max=200, megagroup_size_max=200000, forwarded_count_max=100,
        online_update_period_ms=210000, offline_blur_timeout_ms=5000,
        offline_idle_timeout_ms=30000, online_cloud_timeout_ms=300000,
        notify_cloud_delay_ms=30000, notify_default_delay_ms=1500,
        push_chat_period_ms=60000, push_chat_limit=2, edit_time_limit=172800,
        revoke_time_limit=2147483647, revoke_pm_time_limit=2147483647,
        rating_e_decay=2419200, stickers_recent_limit=200,
        channels_read_media_period=604800, call_receive_timeout_ms=20000,
        call_ring_timeout_ms=90000, call_connect_timeout_ms=30000,
        call_packet_timeout_ms=10000, me_url_prefix="https://t.me/",
        caption_length_max=1024, message_length_max=4096, webfile_dc_id=4,
        default_p2p_contacts=True, preload_featured_stickers=True, revoke_pm_inbox=True,
        force_try_ipv6=False, tmp_sessions=2,
        autoupdate_url_prefix="https://example.org/update/",
        gif_search_username="gif", venue_search_username="foursquare",
        img_search_username="bing", static_maps_provider="telegram",
        suggested_lang_code="ru", lang_pack_version=4321, base_lang_pack_version=1234,
        reactions_default=T.ReactionEmoji(emoticon="❤"),
        autologin_token="token-😀",
    )


def password_algo():
    return T.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
        salt1=digest("salt1", 40), salt2=digest("salt2", 16), g=3, p=TELEGRAM_P_BYTES,
    )


def input_check_password_srp():
    return T.InputCheckPasswordSRP(
        srp_id=-0x0FEDCBA987654321, A=group_element(0xA11CE), M1=digest("M1", 32),
    )


def json_params():
    return T.JsonObject(value=[
        T.JsonObjectValue(key="tz_offset", value=T.JsonNumber(value=10800.0)),
        T.JsonObjectValue(key="device_token", value=T.JsonString(value="tök€n")),
        T.JsonObjectValue(key="dark", value=T.JsonBool(value=True)),
        T.JsonObjectValue(key="beta", value=T.JsonBool(value=False)),
        T.JsonObjectValue(key="list", value=T.JsonArray(value=[
            T.JsonNumber(value=-1.25), T.JsonNull(), T.JsonString(value=""),
        ])),
    ])


def init_connection(query, **extra):
    return F.InitConnectionRequest(
        api_id=2040, device_model="Swift Test Device", system_version="Linux 6.1",
        app_version="0.1.0", system_lang_code="en-US", lang_pack="", lang_code="en",
        query=query, **extra,
    )


# --------------------------------------------------------------------------
# The fixtures
# --------------------------------------------------------------------------

def build_fixtures():
    """Return a list of (name, TLObject)."""
    fx = []

    def add(name, obj):
        fx.append((name, obj))

    # --- users -----------------------------------------------------------
    add("user_many_flags", user_many_flags())
    add("user_bot", user_bot())
    add("user_self", user_self())
    add("user_min", user_min())
    add("user_minimal", T.User(id=1))
    add("user_empty", T.UserEmpty(id=ALICE_ID))
    add("users_user_full", T.users.UserFull(
        full_user=T.UserFull(
            id=ALICE_ID,
            settings=T.PeerSettings(add_contact=True, block_contact=True, geo_distance=1500,
                                    phone_country="RU", registration_month="01.2020"),
            notify_settings=T.PeerNotifySettings(show_previews=True, silent=False,
                                                 mute_until=DATE3,
                                                 ios_sound=T.NotificationSoundDefault(),
                                                 android_sound=T.NotificationSoundNone()),
            common_chats_count=4,
            phone_calls_available=True, can_pin_message=True, video_calls_available=True,
            sponsored_enabled=True, display_gifts_button=True,
            about="О себе: люблю Swift 🐦",
            profile_photo=photo(),
            pinned_msg_id=101,
            folder_id=1,
            ttl_period=604800,
            private_forward_name="Alice",
            birthday=T.Birthday(day=29, month=2, year=1996),
            personal_channel_id=CHANNEL_ID, personal_channel_message=202,
            stargifts_count=3,
            send_paid_messages_stars=250,
        ),
        chats=[channel_broadcast()],
        users=[user_many_flags()],
    ))

    # --- chats -----------------------------------------------------------
    add("chat", basic_chat())
    add("chat_forbidden", T.ChatForbidden(id=CHAT_ID + 1, title="Забытый чат"))
    add("channel_many_flags", channel_many_flags())
    add("channel_broadcast", channel_broadcast())
    add("channel_minimal", channel_minimal())

    # --- media -----------------------------------------------------------
    add("photo_with_sizes", photo())
    add("document_video_attributes", document_video())
    add("document_voice", document_voice())

    # --- messages --------------------------------------------------------
    add("message_text_entities", text_entities_message())
    add("message_reply_fwd_photo", reply_fwd_photo_message())
    add("message_document_media", document_message())
    add("message_service_chat_add_user", service_add_user())
    add("message_service_chat_create", service_chat_create())
    add("message_empty", T.MessageEmpty(id=999, peer_id=T.PeerUser(ALICE_ID)))
    add("message_text_utf8_255", T.Message(
        id=500, peer_id=T.PeerUser(ALICE_ID), date=DATE, message=utf8_text(255)))
    add("messages_messages", T.messages.Messages(
        messages=[
            text_entities_message(),
            reply_fwd_photo_message(),
            document_message(),
            service_add_user(),
        ],
        topics=[],
        chats=[basic_chat(), channel_broadcast(), channel_many_flags()],
        users=[user_many_flags(), user_bot(), user_self()],
    ))

    # --- updates ---------------------------------------------------------
    add("updates", T.Updates(
        updates=[
            T.UpdateNewMessage(message=text_entities_message(), pts=4243, pts_count=1),
            T.UpdateMessageID(id=101, random_id=-0x5EED5EED5EED5EED),
            T.UpdateReadHistoryInbox(peer=T.PeerUser(ALICE_ID), max_id=101,
                                     still_unread_count=0, pts=4244, pts_count=1,
                                     folder_id=1, top_msg_id=100),
            T.UpdateUserStatus(user_id=ALICE_ID, status=T.UserStatusOnline(expires=DATE3)),
            T.UpdateNewChannelMessage(message=reply_fwd_photo_message(), pts=77, pts_count=1),
            T.UpdateDeleteChannelMessages(channel_id=CHANNEL_ID, messages=[1, 2, 3],
                                          pts=80, pts_count=3),
        ],
        users=[user_many_flags(), user_self()],
        chats=[channel_broadcast()],
        date=DATE2, seq=302,
    ))
    add("update_short_message", T.UpdateShortMessage(
        id=123456, user_id=987654321, message="ok, see you at 5",
        pts=4242, pts_count=1, date=DATE,
    ))
    add("update_short_message_flags", T.UpdateShortMessage(
        id=123457, user_id=ALICE_ID, message="Да, увидимся 🙂", pts=4245, pts_count=1,
        date=DATE2, out=True, silent=True,
        fwd_from=T.MessageFwdHeader(date=DATE, from_id=T.PeerUser(BOT_ID), imported=True),
        via_bot_id=BOT_ID,
        reply_to=T.MessageReplyHeader(reply_to_msg_id=123456),
        entities=[T.MessageEntityUnderline(offset=0, length=2)],
        ttl_period=60,
    ))
    add("update_short_chat_message", T.UpdateShortChatMessage(
        id=555, from_id=ALICE_ID, chat_id=CHAT_ID, message="Всем привет! 👋",
        pts=4246, pts_count=1, date=DATE2, mentioned=True, media_unread=True,
        reply_to=T.MessageReplyHeader(reply_to_msg_id=554, forum_topic=True,
                                      reply_to_top_id=1),
        entities=[T.MessageEntityBold(offset=0, length=4),
                  T.MessageEntityStrike(offset=5, length=6)],
    ))
    add("update_short_sent_message", T.UpdateShortSentMessage(
        id=556, pts=4247, pts_count=1, date=DATE2, out=True,
        media=T.MessageMediaEmpty(),
        entities=[T.MessageEntityUrl(offset=0, length=19)],
        ttl_period=3600,
    ))
    add("update_short", T.UpdateShort(
        update=T.UpdateUserStatus(user_id=BOT_ID, status=T.UserStatusRecently()),
        date=DATE3,
    ))
    add("updates_combined", T.UpdatesCombined(
        updates=[
            T.UpdateNewMessage(message=service_add_user(), pts=5000, pts_count=1),
            T.UpdateEditMessage(message=document_message(), pts=5001, pts_count=1),
        ],
        users=[user_bot()], chats=[basic_chat()],
        date=DATE3, seq_start=303, seq=304,
    ))
    add("updates_too_long", T.UpdatesTooLong())
    add("updates_state", update_state())
    add("updates_difference", T.updates.Difference(
        new_messages=[text_entities_message(), document_message()],
        new_encrypted_messages=[],
        other_updates=[T.UpdateReadHistoryInbox(peer=T.PeerChat(CHAT_ID), max_id=303,
                                                still_unread_count=2, pts=4300, pts_count=1)],
        chats=[basic_chat()], users=[user_many_flags(), user_bot()],
        state=update_state(pts=4300, seq=310),
    ))
    add("updates_difference_slice", T.updates.DifferenceSlice(
        new_messages=[reply_fwd_photo_message()],
        new_encrypted_messages=[],
        other_updates=[T.UpdateUserStatus(user_id=ALICE_ID,
                                          status=T.UserStatusOffline(was_online=DATE))],
        chats=[channel_broadcast()], users=[],
        intermediate_state=update_state(pts=4250, seq=305, unread=10),
    ))
    add("updates_difference_empty", T.updates.DifferenceEmpty(date=DATE3, seq=311))
    add("updates_difference_too_long", T.updates.DifferenceTooLong(pts=999999))

    # --- method calls ----------------------------------------------------
    add("messages_send_message_reply", F.messages.SendMessageRequest(
        peer=T.InputPeerUser(user_id=ALICE_ID, access_hash=ALICE_HASH),
        message="Ответ с **цитатой** ✅",
        reply_to=T.InputReplyToMessage(
            reply_to_msg_id=101, top_msg_id=100, quote_text="Привет",
            quote_entities=[T.MessageEntityItalic(offset=0, length=6)], quote_offset=0,
        ),
        random_id=0x0123456789ABCDEF,
        entities=[T.MessageEntityBold(offset=9, length=7)],
        silent=True, no_webpage=True, clear_draft=True,
    ))
    add("messages_send_message_plain", F.messages.SendMessageRequest(
        peer=T.InputPeerSelf(), message="hello", random_id=-2,
    ))
    add("messages_send_message_channel_schedule", F.messages.SendMessageRequest(
        peer=T.InputPeerChannel(channel_id=CHANNEL_ID, access_hash=CHANNEL_HASH),
        message="Запланировано 🕒", random_id=-0x8000000000000000,
        schedule_date=DATE3, send_as=T.InputPeerChannel(channel_id=CHANNEL_ID,
                                                        access_hash=CHANNEL_HASH),
        background=True, invert_media=True,
    ))
    # String length edge cases (TL short/long length prefixes, padding).
    for n in (0, 1, 2, 3, 253, 254, 255, 256, 70000):
        text = ascii_text(n) if n < 4 else utf8_text(n)
        add(f"messages_send_message_len_{n:05d}", F.messages.SendMessageRequest(
            peer=T.InputPeerChat(chat_id=CHAT_ID), message=text, random_id=n + 1,
        ))
    # Bytes length edge cases.
    for n in (0, 1, 2, 3, 253, 254, 255, 256, 70000):
        add(f"upload_file_bytes_{n:05d}", T.upload.File(
            type=T.storage.FilePartial(), mtime=DATE, bytes=pattern(n, 13, 7),
        ))
    add("upload_file_jpeg_cyrillic_mtime0", T.upload.File(
        type=T.storage.FileJpeg(), mtime=0, bytes="Привет 👋".encode("utf-8"),
    ))

    add("invoke_with_layer_init_connection_get_config", F.InvokeWithLayerRequest(
        layer=EXPECTED_LAYER, query=init_connection(F.help.GetConfigRequest()),
    ))
    add("invoke_with_layer_init_connection_proxy_params", F.InvokeWithLayerRequest(
        layer=EXPECTED_LAYER,
        query=init_connection(
            F.help.GetNearestDcRequest(),
            proxy=T.InputClientProxy(address="proxy.example.org", port=8443),
            params=json_params(),
        ),
    ))
    add("help_get_config", F.help.GetConfigRequest())
    add("config", config())
    add("dc_option_with_secret", dc_options()[4])

    add("auth_send_code", F.auth.SendCodeRequest(
        phone_number="+79991234567", api_id=2040,
        api_hash="b18441a1ff607e10a989891a5462e627",
        settings=T.CodeSettings(
            allow_flashcall=True, current_number=True, allow_app_hash=True,
            allow_missed_call=True, allow_firebase=True, unknown_number=True,
            logout_tokens=[pattern(32, 3, 5), b"", pattern(253, 1, 0)],
            token="fcm-token-❤", app_sandbox=True,
        ),
    ))
    add("auth_send_code_default_settings", F.auth.SendCodeRequest(
        phone_number="15551234567", api_id=1, api_hash="", settings=T.CodeSettings(),
    ))
    add("auth_sent_code", T.auth.SentCode(
        type=T.auth.SentCodeTypeSms(length=5),
        phone_code_hash="2dc02d2cda9e615c84",
        next_type=T.auth.CodeTypeCall(), timeout=120,
    ))
    add("auth_sent_code_app", T.auth.SentCode(
        type=T.auth.SentCodeTypeApp(length=6), phone_code_hash="abc",
    ))
    add("auth_sign_in", F.auth.SignInRequest(
        phone_number="+79991234567", phone_code_hash="2dc02d2cda9e615c84",
        phone_code="12345",
    ))
    add("auth_authorization", T.auth.Authorization(
        user=user_self(), setup_password_required=True, otherwise_relogin_days=30,
        tmp_sessions=2, future_auth_token=digest("future_auth_token", 48),
    ))
    add("auth_check_password", F.auth.CheckPasswordRequest(password=input_check_password_srp()))

    add("account_get_password", F.account.GetPasswordRequest())
    add("account_password_srp", T.account.Password(
        has_recovery=True, has_secure_values=False, has_password=True,
        current_algo=password_algo(),
        srp_B=group_element(0xB0B),
        srp_id=0x0FEDCBA987654321,
        hint="кот 🐈",
        email_unconfirmed_pattern="a***@example.com",
        new_algo=password_algo(),
        new_secure_algo=T.SecurePasswordKdfAlgoPBKDF2HMACSHA512iter100000(
            salt=digest("secure_salt", 8)),
        secure_random=digest("secure_random", 32),
        pending_reset_date=DATE3,
        login_email_pattern="l***@example.com",
    ))
    add("account_password_none", T.account.Password(
        new_algo=password_algo(),
        new_secure_algo=T.SecurePasswordKdfAlgoPBKDF2HMACSHA512iter100000(
            salt=digest("secure_salt", 8)),
        secure_random=digest("secure_random_2", 32),
    ))
    add("input_check_password_srp", input_check_password_srp())
    add("input_check_password_empty", T.InputCheckPasswordEmpty())

    add("messages_get_history", F.messages.GetHistoryRequest(
        peer=T.InputPeerChannel(channel_id=CHANNEL_ID, access_hash=CHANNEL_HASH),
        offset_id=0, offset_date=0, add_offset=-10, limit=100, max_id=0, min_id=0,
        hash=-1,
    ))
    add("updates_get_state", F.updates.GetStateRequest())
    add("updates_get_difference", F.updates.GetDifferenceRequest(
        pts=4242, date=DATE2, qts=17, pts_limit=1000, pts_total_limit=5000, qts_limit=100,
    ))
    add("updates_get_difference_minimal", F.updates.GetDifferenceRequest(
        pts=1, date=DATE, qts=0,
    ))
    add("contacts_resolve_username", F.contacts.ResolveUsernameRequest(
        username="swift_mtproto", referer="ref_2025",
    ))
    add("contacts_resolved_peer", T.contacts.ResolvedPeer(
        peer=T.PeerChannel(SUPERGROUP_ID), chats=[channel_many_flags()], users=[],
    ))
    return fx


# --------------------------------------------------------------------------
# Schema checks
# --------------------------------------------------------------------------

_LINE_RE = re.compile(r"^([A-Za-z_][\w.]*)#([0-9a-fA-F]{1,8})\b")


def load_schema(schema_dir):
    """Map constructor id -> (name, is_function) for api.tl and mtproto.tl."""
    by_id = {}
    for file_name in ("api.tl", "mtproto.tl"):
        path = schema_dir / file_name
        if not path.is_file():
            sys.exit(f"error: {path} not found (use --schema-dir)")
        section_functions = False
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if line == "---functions---":
                section_functions = True
            elif line == "---types---":
                section_functions = False
            match = _LINE_RE.match(line)
            if not match:
                continue
            cid = int(match.group(2), 16)
            entry = (match.group(1), section_functions)
            if cid in by_id and by_id[cid] != entry:
                sys.exit(f"error: constructor id {cid:#010x} defined twice in the schema")
            by_id[cid] = entry
    return by_id


def generated_class(obj):
    """The generated telethon.tl.types/functions class of obj (skips patched/custom)."""
    for cls in type(obj).__mro__:
        module = cls.__module__
        if module.startswith(("telethon.tl.types", "telethon.tl.functions")):
            return cls
    raise AssertionError(f"{type(obj)!r} has no generated Telethon TL class")


def telethon_tl_name(cls):
    """The TL name Telethon's class was generated from, e.g. 'messages.sendMessage'."""
    parts = cls.__module__.split(".")  # telethon.tl.types[.ns] / telethon.tl.functions[.ns]
    is_function = parts[2] == "functions"
    name = cls.__name__
    if is_function:
        assert name.endswith("Request"), name
        name = name[: -len("Request")]
    return ".".join(parts[3:] + [name[0].lower() + name[1:]]), is_function


def check_tree(obj, schema, path):
    """Assert every TL object in obj's tree matches the schema. Returns objects checked."""
    if isinstance(obj, list):
        return sum(check_tree(item, schema, f"{path}[{i}]") for i, item in enumerate(obj))
    if not isinstance(obj, TLObject):
        return 0
    cls = generated_class(obj)
    cid = cls.CONSTRUCTOR_ID
    tel_name, tel_is_function = telethon_tl_name(cls)
    assert cid in schema, f"{path}: {tel_name}#{cid:08x} is not in the schema"
    schema_name, schema_is_function = schema[cid]
    assert schema_name == tel_name, (
        f"{path}: id {cid:08x} is {schema_name!r} in the schema but {tel_name!r} in Telethon")
    assert schema_is_function == tel_is_function, f"{path}: {tel_name} type/function mismatch"
    count = 1
    for field in list(inspect.signature(cls.__init__).parameters)[1:]:
        count += check_tree(getattr(obj, field, None), schema, f"{path}.{field}")
    return count


def serialize_and_check(name, obj, schema):
    count = check_tree(obj, schema, name)
    data = bytes(obj)
    cid = generated_class(obj).CONSTRUCTOR_ID
    assert data[:4] == struct.pack("<I", cid), f"{name}: first 4 bytes are not {cid:08x}"
    assert len(data) % 4 == 0, f"{name}: length {len(data)} is not a multiple of 4"
    reader = BinaryReader(data)
    decoded = reader.tgread_object()
    assert reader.tell_position() == len(data), f"{name}: Telethon did not read all bytes back"
    assert bytes(decoded) == data, f"{name}: decode + re-encode differs"
    return {"name": name, "tl": schema[cid][0], "hex": data.hex()}, count


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path, default=None,
                        help=f"output JSON path (default: {DEFAULT_OUT})")
    parser.add_argument("--out", dest="out_opt", type=Path, default=None,
                        help="same as the positional argument")
    parser.add_argument("--schema-dir", type=Path, default=DEFAULT_SCHEMA_DIR,
                        help=f"folder with api.tl and mtproto.tl (default: {DEFAULT_SCHEMA_DIR})")
    args = parser.parse_args(argv)
    out = args.out_opt or args.out or DEFAULT_OUT

    if telethon.__version__ != EXPECTED_TELETHON or LAYER != EXPECTED_LAYER:
        sys.exit(f"error: need Telethon {EXPECTED_TELETHON} (layer {EXPECTED_LAYER}), "
                 f"found {telethon.__version__} (layer {LAYER})")

    schema = load_schema(args.schema_dir)
    fixtures = build_fixtures()
    names = [name for name, _ in fixtures]
    assert len(names) == len(set(names)), "duplicate fixture names"
    assert len(fixtures) >= MIN_FIXTURES, f"only {len(fixtures)} fixtures"

    records, checked = [], 0
    for name, obj in fixtures:
        record, count = serialize_and_check(name, obj, schema)
        records.append(record)
        checked += count
    records.sort(key=lambda r: r["name"])

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(records)} fixtures ({checked} TL objects checked against "
          f"{args.schema_dir}) to {out}")


if __name__ == "__main__":
    main()
