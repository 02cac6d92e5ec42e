"""An order with the people around it, loaded together for a reminder or an alert."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.texts import t
from store.models import Order, Person, Volunteer


@dataclass
class Parties:
    order: Order
    requester: Person | None
    volunteer: Volunteer | None  # the volunteer holding the order now, if any
    volunteer_person: Person | None

    def volunteer_name(self, lang: str | None) -> str:
        if self.volunteer is not None and self.volunteer.name:
            return self.volunteer.name
        if self.volunteer_person is not None and self.volunteer_person.display_name:
            return self.volunteer_person.display_name
        return t(lang, "schedule.unknown")

    def volunteer_phone(self, lang: str | None) -> str:
        phone = (self.volunteer.phone if self.volunteer else None) or (
            self.volunteer_person.phone if self.volunteer_person else None
        )
        return phone or t(lang, "schedule.unknown")

    def contact(self, lang: str | None) -> str:
        """The requester's contact line — only for the volunteer holding the job and admins."""
        name = self.order.contact_name or (self.requester.display_name if self.requester else "")
        phone = self.order.contact_phone or (self.requester.phone if self.requester else None)
        parts = [p for p in (name, phone) if p]
        return " ".join(parts) if parts else t(lang, "schedule.unknown")

    def address(self, lang: str | None) -> str:
        return self.order.address or t(lang, "schedule.unknown")


async def load(session: AsyncSession, order_id: int) -> Parties | None:
    order = await session.get(Order, order_id)
    if order is None:
        return None
    requester = await session.get(Person, order.requester_id)
    volunteer = (
        await session.get(Volunteer, order.volunteer_id) if order.volunteer_id is not None else None
    )
    vperson = await session.get(Person, volunteer.person_id) if volunteer is not None else None
    return Parties(order, requester, volunteer, vperson)
