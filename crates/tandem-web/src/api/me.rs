//! `/api/me`: the signed-in caller, with the CSRF token every call that
//! changes something sends.

use axum::Json;
use serde::Serialize;
use tandem_domain::ids::{AccountId, OrganisationId, PersonId, ProgrammeId};
use utoipa::ToSchema;

use crate::error::ApiErrorBody;
use crate::extract::ApiCaller;

#[derive(Serialize, ToSchema)]
pub struct Grant {
    /// administrator, coordinator, hr, line_manager, supervising_social_worker, mentor or mentee.
    role: String,
    #[schema(value_type = Option<i64>)]
    organisation_id: Option<OrganisationId>,
    #[schema(value_type = Option<i64>)]
    programme_id: Option<ProgrammeId>,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    #[schema(value_type = i64)]
    account_id: AccountId,
    #[schema(value_type = Option<i64>)]
    person_id: Option<PersonId>,
    display_name: String,
    grants: Vec<Grant>,
    /// Send this as X-CSRF-Token with every request that changes something.
    csrf_token: String,
}

/// The signed-in caller.
#[utoipa::path(get, path = "/api/me", responses(
    (status = 200, body = Me),
    (status = 401, description = "Not signed in", body = ApiErrorBody),
))]
pub async fn me(ApiCaller(caller): ApiCaller) -> Json<Me> {
    let p = caller.principal;
    Json(Me {
        account_id: p.account_id,
        person_id: p.person_id,
        display_name: p.display_name,
        grants: p
            .grants
            .iter()
            .map(|g| Grant {
                role: g.role.as_str().into(),
                organisation_id: g.organisation_id,
                programme_id: g.programme_id,
            })
            .collect(),
        csrf_token: caller.csrf_token,
    })
}
