"""Dates and times in the editors' room: typed and shown in the newsroom's zone, formats said.

Django already converts between the zone of `TIME_ZONE` and the UTC that is stored; what is left
is to tell the editor which zone that is and which formats the two inputs take, in the help text,
the inputs' placeholders and labels, and the error for a value that does not parse.
"""

from django.utils import timezone

DATE_FORMAT = "YYYY-MM-DD"
TIME_FORMAT = "HH:MM"
DATE_EXAMPLE, TIME_EXAMPLE = "2026-03-29", "06:00"


def zone_name():
    """The newsroom's zone as editors see it named: `Europe/Berlin`, `UTC`."""
    return timezone.get_current_timezone_name()


def explain(field):
    """Make a split date-and-time form field say its zone and the formats its inputs take."""
    zone = zone_name()
    date_field, time_field = field.fields
    date_field.error_messages["invalid"] = (
        f"Enter the date as {DATE_FORMAT}, for example {DATE_EXAMPLE}."
    )
    time_field.error_messages["invalid"] = (
        f"Enter the time as {TIME_FORMAT} (24-hour, seconds optional), for example {TIME_EXAMPLE}."
    )
    date_input, time_input = field.widget.widgets
    date_input.attrs.update({"placeholder": DATE_FORMAT, "aria-label": f"Date, {DATE_FORMAT}"})
    time_input.attrs.update(
        {"placeholder": TIME_FORMAT, "aria-label": f"Time, {TIME_FORMAT}, {zone} time"}
    )
    field.help_text = " ".join(
        filter(
            None,
            [
                field.help_text,
                f"Newsroom time ({zone}): the date as {DATE_FORMAT}, the time as {TIME_FORMAT} "
                "(24-hour).",
            ],
        )
    )
