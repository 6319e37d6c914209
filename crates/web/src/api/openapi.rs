use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The API description served at `/api/openapi.json`.
#[derive(OpenApi)]
#[openapi(
    info(title = "safegrid API", description = "Grid-based safety-production supervision. Lists answer \
        `{items, total, page, per_page}`; errors answer `{errors: [{field, message}]}` with 422 for \
        refused input, 400 for malformed JSON, 401 without a valid bearer token, 404 for missing or \
        out-of-scope objects; messages follow Accept-Language (zh-CN by default)."),
    paths(
        super::login, super::logout, super::me, super::own_password, super::totp_begin, super::totp_confirm,
        super::regions, super::region, super::create_region,
        super::departments, super::department, super::create_department,
        super::grids, super::grid, super::grid_posts,
        super::appoint, super::replace, super::end_holding,
        super::people, super::create_person, super::leadership, super::ledger, super::audit,
        super::plans, super::file_plan, super::set_plan_deadline,
        super::calc_gb18218, super::coverage, super::units, super::unit, super::create_unit, super::update_unit, super::export_units, super::import_template, super::import_units, super::import_errors,
        super::accounts, super::create_account, super::disable_account, super::enable_account, super::reset_password,
        super::unit_records::hazard_sources, super::unit_records::hazard_source, super::unit_records::create_hazard_source,
        super::unit_records::update_hazard_source, super::unit_records::retire_hazard_source, super::unit_records::substances, super::unit_records::export_hazard_sources,
        super::unit_records::documents, super::unit_records::add_document, super::unit_records::document_file,
        super::unit_records::withdraw_document, super::unit_records::grid_nodes, super::unit_records::add_grid_node,
        super::unit_records::retire_grid_node, super::unit_records::systems, super::unit_records::set_system,
        super::unit_records::grade_rule, super::unit_records::set_grade_rule,
        super::hazards::hazards, super::hazards::counts, super::hazards::export, super::hazards::hazard, super::hazards::report,
        super::hazards::transition, super::hazards::add_photo, super::hazards::photo,
        super::hazards::notifications, super::hazards::read_notifications,
        super::hazards::webhook, super::hazards::set_webhook, super::hazards::webhook_deliveries,
        super::reports::unit_report, super::reports::submit, super::reports::standings,
    ),
    modifiers(&BearerAuth),
    tags((name = "auth"), (name = "organisation"), (name = "accounts"), (name = "units"), (name = "hazard sources"), (name = "unit records"), (name = "hazards"), (name = "calculations"), (name = "audit"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}
