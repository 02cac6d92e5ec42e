"""WeChat photos and places as volunteers on every channel see them (issue 12's leftovers).

A WeChat photo arrives as a MediaId only the account can read, for three days:
the bot fetches it (``/cgi-bin/media/get``) and keeps it, so a Telegram volunteer
gets it uploaded with the job card, the web chat shows it, and a WeChat volunteer
gets it re-uploaded (``/cgi-bin/media/upload``). A shared location's Label is the
order's address.
"""

from __future__ import annotations

from sqlmodel import select

from bot import dispatch, photos
from store.models import Order, WebPhoto
from tests.utils import volunteers as f
from tests.wechat.conftest import WxRig
from tests.wechat.fake_server import TINY_JPEG
from tests.wechat.test_wechat_order import PHONE, order_by_wechat

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


async def test_a_wechat_photo_and_place_reach_a_telegram_volunteer(wx: WxRig) -> None:
    master = wx.user(3001, "李建国", started=True)
    await f.volunteer(wx.deps, 3001, "李建国")
    u = wx.wechat_user("oWX_photo_requester_00000001")
    # The first media fetch finds the token expired and WeChat busy once: refreshed, retried.
    wx.wechat.expire_tokens()
    wx.wechat.fail_next("/cgi-bin/media/get", -1)
    await order_by_wechat(wx, u)
    async with wx.db.session() as s:
        [order] = (await s.exec(select(Order))).all()
        [kept] = (await s.exec(select(WebPhoto))).all()
    assert order.photos == [photos.file_id(kept.id)]  # type: ignore[arg-type]
    assert kept.content == TINY_JPEG and kept.content_type == "image/jpeg"
    assert order.address == "宁波市北仑区大碶街道" and order.latitude is not None
    offer = await master.next_message()
    assert offer.photo is None  # an offer never carries the requester's photos
    await master.press("认领", message=offer)
    got = [await master.next_message() for _ in range(2)]
    [photo] = [m for m in got if m.photo is not None]
    assert photo.photo is not None and photo.photo.content == TINY_JPEG
    card = next(m for m in got if m.photo is None)
    assert "宁波市北仑区大碶街道" in card.text and PHONE in card.text


async def test_an_expired_or_unreadable_photo_is_asked_for_again(wx: WxRig) -> None:
    u = wx.wechat_user("oWX_photo_expired_0000000001")
    await u.send("注塑件毛边太多怎么办")
    await u.message_with("技术攻关服务队")
    old = wx.wechat.add_media()
    wx.wechat.advance(4 * 24 * 3600)  # WeChat keeps temporary media three days
    await u.send_image(old)
    assert "没能收到" in (await u.message_with("请重新发送")).text
    await u.send_image(wx.wechat.add_media(b"not an image at all"))
    assert "没能收到" in (await u.message_with("请重新发送")).text
    async with wx.db.session() as s:
        assert (await s.exec(select(WebPhoto))).all() == []
    # The dialog is where it was: the next words still answer the team question.
    await u.send("/cancel")
    await u.message_with("取消")


async def test_a_kept_photo_is_uploaded_for_a_wechat_volunteer(wx: WxRig) -> None:
    openid = "oWX_photo_volunteer_00000001"
    v = wx.wechat_user(openid)
    wx.wechat.wrote(openid)
    await f.volunteer(wx.deps, openid, "王师傅", platform="wechat")
    person = await f.person(wx.deps, "web-session-photo-000000001", "陈女士", platform="web")
    file = await photos.keep(wx.db, person_id=person.id, content=PNG, now=wx.deps.now())  # type: ignore[arg-type]
    assert file is not None
    oid = await f.order(wx.deps, person, contact_phone=PHONE, photos=[file])
    await dispatch.start(wx.deps, oid)
    offer = await v.message_with("认领")
    await v.tap("认领", offer)
    await v.message_with(PHONE)
    await wx.settle()
    await dispatch.settle(wx.deps)
    images = [m for m in v.messages() if m.kind == "image"]
    assert len(images) == 1
    media_id = images[0].body["image"]["media_id"]
    assert media_id in wx.wechat.state.uploads and wx.wechat.state.media[media_id] == PNG
