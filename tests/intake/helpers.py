"""Valid answers for every step, for tests that walk an intake through the client or a browser."""

from django.urls import reverse

from clinic.core.clinical import red_flags
from intake.steps import chosen_instruments
from intake.vocabulary import THERAPIES


def formset(prefix: str, rows: list[dict], extra: int = 1) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) + extra),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def about(intake, **overrides) -> dict:
    data = {
        "first_name": intake.first_name,
        "last_name": intake.last_name,
        "date_of_birth": intake.date_of_birth.isoformat(),
        "sex_at_birth": "female",
        "preferred_language": "en",
        "email": intake.email,
        "phone": "",
        "preferred_contact": "email",
        "address_line1": "1 Main St",
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62701",
    }
    return {**data, **overrides}


def insurance(**overrides) -> dict:
    return {"has_insurance": "yes", "carrier": "Acme Health", "member_id": "XZ123", **overrides}


def pain(red_flag_answers: dict | None = None, **overrides) -> dict:
    data = {
        "body_regions": ["low_back", "buttock_left"],
        "main_complaint": "Low back pain",
        "onset_date": "2024-01-15",
        "cause": "none",
        "pattern": "constant",
        "descriptors": ["aching"],
        "pain_now": "6",
        "pain_average": "5",
        "pain_worst": "8",
        "pain_least": "3",
    }
    answers = {question.key: "no" for question in red_flags.QUESTIONS}
    answers.update(red_flag_answers or {})
    data.update({f"rf_{key}": value for key, value in answers.items()})
    return {**data, **overrides}


def treatments(injections: list[dict] | None = None, surgeries: list[dict] | None = None) -> dict:
    return {
        **{f"{key}_tried": "no" for key, _label in THERAPIES},
        **formset("injection", injections or []),
        **formset("surgery", surgeries or []),
    }


def medications(names=("Eliquis 5 mg",)) -> dict:
    rows = [{"name": name, "dose": "5 mg", "frequency": "twice a day"} for name in names]
    return {
        "blood_thinner": "yes",
        "opioids": "no",
        "allergy_categories": ["iodinated_contrast"],
        "allergy_reactions": "hives",
        **formset("med", rows),
        **formset("allergy", [{"substance": "penicillin", "reaction": "rash"}]),
    }


def history(**overrides) -> dict:
    data = {
        "diabetes": "no",
        "pregnant": "no",
        "smoking": "never",
        "alcohol": "never",
        "work_status": "working",
        "work_injury_or_claim": "no",
    }
    return {**data, **overrides}


def questionnaires(intake, *, value_for=None) -> dict:
    """The first option of every asked item, or `value_for(code, key)` where it returns one."""
    data = {}
    for instrument in chosen_instruments(intake):
        for item in instrument.items:
            if not item.ask_patient:
                continue
            chosen = value_for(instrument.code, item.key) if value_for else None
            if chosen is None:
                option = item.options[0].value
                chosen = ("yes" if option else "no") if isinstance(option, bool) else str(option)
            data[f"{instrument.code}__{item.key}"] = chosen
    return data


def goals() -> dict:
    return {"goals": "Walk my dog again"}


def walk_to_questionnaires(client, intake) -> None:
    """Save every step before the questionnaires with valid answers, through the pages."""
    for step, data in [
        ("about", about(intake)),
        ("insurance", insurance()),
        ("pain", pain()),
        ("treatments", treatments()),
        ("medications", medications()),
        ("history", history()),
    ]:
        response = client.post(reverse("intake:step", args=[intake.public_id, step]), data)
        assert response.status_code == 302, (step, response.content.decode()[:3000])
    intake.refresh_from_db()
