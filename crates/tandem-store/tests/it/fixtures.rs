//! People and requests the store's stories share.

use tandem_domain::people::{EmploymentType, FosteringDetails, PersonRecord};
use tandem_domain::register::MentorRequest;

/// A practitioner with employee id `id`.
pub fn person(id: &str) -> PersonRecord {
    PersonRecord {
        employee_id: id.to_owned(),
        given_name: format!("Given{id}"),
        family_name: format!("Family{id}"),
        email: format!("{id}@example.org"),
        region: Some("North".to_owned()),
        team: Some("Team".to_owned()),
        line_manager_employee_id: None,
        job_title: "Practitioner".to_owned(),
        grade: "Band 6".to_owned(),
        start_date: None,
        employment_type: EmploymentType::Employee,
        fostering: FosteringDetails::default(),
    }
}

/// A request on track `track`, asking for nothing in particular.
pub fn request(track: &str) -> MentorRequest {
    MentorRequest {
        track: track.to_owned(),
        goals: "Grow".to_owned(),
        help_needed: "Advice".to_owned(),
        preferred_style: String::new(),
        meeting_frequency: String::new(),
        relationship_length: String::new(),
        meeting_location: String::new(),
        other_team: false,
        other_region: false,
        other_organisation: false,
        other_jurisdiction: false,
        language: String::new(),
        gender: String::new(),
        culture: String::new(),
        race: String::new(),
        religion: String::new(),
        sexuality: String::new(),
        location: String::new(),
        specific_requests: String::new(),
        isolated: false,
        named_mentor: None,
    }
}
