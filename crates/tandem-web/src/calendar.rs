//! The introductory meeting as an iCalendar invitation (AGR-1), made with
//! the `icalendar` crate. The time is as the arranger typed it, in UK
//! time (Europe/London), the zone every seed scheme works in; the invitation
//! names who attends by part, never by their words.

use chrono::NaiveDateTime;
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike};
use tandem_app::relationships::{IntroductionView, RelationshipView};
use tandem_domain::relationship::party_name;

/// The invitation, or `None` if the stored time does not read.
pub fn introduction(view: &RelationshipView, intro: &IntroductionView) -> Option<String> {
    let starts = NaiveDateTime::parse_from_str(&intro.meets_at, "%Y-%m-%dT%H:%M").ok()?;
    let ends = starts + chrono::Duration::minutes(intro.minutes);
    let zone = |at: NaiveDateTime| CalendarDateTime::WithTimezone {
        date_time: at,
        tzid: "Europe/London".to_owned(),
    };
    let attending: Vec<&str> = intro.attending.iter().map(|p| party_name(*p)).collect();
    let event = Event::new()
        .uid(&format!("relationship-{}-introduction@tandem", view.id))
        .summary(&format!(
            "Mentoring introduction: {} and {}",
            view.mentee_name, view.mentor_name
        ))
        .description(&format!(
            "{}. Attending: {}. Agenda: {}",
            view.programme_name,
            attending.join(", "),
            view.rules.introduction.agenda.join("; ")
        ))
        .location(&intro.place)
        .starts(zone(starts))
        .ends(zone(ends))
        .done();
    let mut calendar = Calendar::new();
    calendar.push(event);
    Some(calendar.done().to_string())
}
