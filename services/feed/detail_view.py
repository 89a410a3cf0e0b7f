"""Cargo detail → display strings for the detail screen, contacts with tel: links."""

from __future__ import annotations

import re
from typing import TypedDict
from urllib.parse import quote, urlencode

from services import formatting as fmt
from services.cargotech.models import CargoDetail, Company, Contact
from services.dispatch.messages import cargo_link
from services.feed.cards import CardView, card_view

CONTACT_ORDER = {"broker": 0, "company": 1}  # docs/cargotech-api.md: prefer broker and company
CONTACT_LABELS = {"broker": "Экспедитор", "company": "Компания", "dispatcher": "Диспетчер", "shipper": "Грузоотправитель"}


class ContactRow(TypedDict):
    """One line of the detail's contacts: whom to call or write, and the tel:/mailto: link."""

    name: str
    role: str  # «Экспедитор», «Компания», …
    phone: str  # for display, «+7 912 345-67-89»
    email: str
    href: str  # tel:+7… or mailto:…, "" when there is neither


class DetailView(CardView):
    """The detail screen: the card's fields, and the full addresses, times and terms."""

    from_address: str
    to_address: str
    unloading: str
    load_types: str
    cargo_type: str
    note: str
    note_long: bool  # starts collapsed
    shipper: str
    share_url: str  # Telegram's share dialog for the cargo's deep link; set by the detail state


def tel(raw: str) -> str | None:
    """+7XXXXXXXXXX for tel: links from Russian numbers (8…, +7…, or the ten national digits, spaced or
    not); another country's number as +digits; None for anything that is not one dialable number."""
    digits = re.sub(r"[^0-9]", "", raw or "")
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    elif len(digits) == 10 and digits[0] in "3489":  # national: 9xx mobiles, 3xx/4xx/8xx landlines, 800
        digits = "7" + digits
    if digits.startswith("7"):  # +7 numbers (Russia, Kazakhstan) always have 11 digits
        return f"+{digits}" if len(digits) == 11 else None
    # Written with another country's code: E.164 allows at most 15 digits, and no country code starts with 0.
    return f"+{digits}" if 10 <= len(digits) <= 15 and digits[0] != "0" else None


def phone_display(number: str) -> str:
    if len(number) == 12 and number.startswith("+7"):
        d = number[2:]
        return f"+7 {d[0:3]} {d[3:6]}-{d[6:8]}-{d[8:10]}"
    return number


EMAIL_RE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")


def email_of(contact: Contact) -> str:
    """The contact's e-mail when it looks like one (it becomes a mailto: link), else ""."""
    text = (contact.email or "").strip()
    return text if len(text) <= 254 and EMAIL_RE.match(text) else ""


def contacts_view(contacts: list[Contact]) -> list[ContactRow]:
    """Rows of «name, role — phone or e-mail», broker and company first: one per dialable number,
    then one for the e-mail (a mailto: link). A contact with a name but neither still gets a row,
    so the driver knows whom to ask for."""
    ordered = sorted(contacts, key=lambda c: CONTACT_ORDER.get(c.type or "", 9))
    rows: list[ContactRow] = []
    seen: set[str] = set()  # the same number often stands under the broker and the company

    def row(contact: Contact, phone: str = "", email: str = "", href: str = "") -> ContactRow:
        return {
            "name": (contact.name or "").strip(),
            "role": CONTACT_LABELS.get(contact.type or "", ""),
            "phone": phone,
            "email": email,
            "href": href,
        }

    for contact in ordered:
        numbers = [number for number in map(tel, contact.phones) if number]
        email = email_of(contact)
        for number in numbers:
            if number not in seen:
                seen.add(number)
                rows.append(row(contact, phone=phone_display(number), href=f"tel:{number}"))
        if email and email.casefold() not in seen:
            seen.add(email.casefold())
            rows.append(row(contact, email=email, href=f"mailto:{email}"))
        elif not numbers and not email and (contact.name or "").strip():
            rows.append(row(contact))
    return rows


def _company(company: Company | None) -> str:
    if company is None or not company.name:
        return ""
    return f"{company.name}, ИНН {company.inn}" if company.inn else company.name


NOTE_COLLAPSE_CHARS = 300


def detail_view(cargo: CargoDetail) -> DetailView:
    start, finish = cargo.points.start, cargo.points.finish
    note = (cargo.extra.note or "").strip()
    view: DetailView = {
        **card_view(cargo),
        "from_address": start.address or start.city.name,
        "to_address": finish.address or finish.city.name,
        "loading": fmt.date_time_range(start.first_date, start.last_date),
        "unloading": fmt.date_time_range(finish.first_date, finish.last_date),
        "load_types": ", ".join(t.name for t in cargo.load_types),
        "cargo_type": cargo.cargo_type_name,
        "note": note,
        # Long notes start collapsed: 3,000 characters would push the contacts and «Откликнуться» off screen.
        "note_long": len(note) > NOTE_COLLAPSE_CHARS,
        "shipper": _company(cargo.shipper),
        "company": _company(cargo.company),
        "share_url": "",
    }
    return view


def share_text(view: CardView) -> str:
    """«Москва → Казань, 20 т, 120 000 ₽»: what a shared link says about the cargo."""
    return ", ".join(part for part in (view.get("route"), view.get("weight"), view.get("price")) if part)


def share_url(bot_username: str, cargo_id: str, text: str) -> str:
    """Telegram's share dialog (t.me/share/url) for the cargo's deep link: works on every client
    through WebApp.openTelegramLink, with no inline mode or prepared message on the bot's side."""
    deep_link = cargo_link(bot_username, cargo_id)
    return "https://t.me/share/url?" + urlencode({"url": deep_link, "text": text}, quote_via=quote)
