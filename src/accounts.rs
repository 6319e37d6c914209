//! Creating accounts from the command line (the first administrator of a real deployment).

use clap::Args;
use safegrid_domain::access::Actor;
use safegrid_domain::access::input::AccountInput;
use safegrid_store::Store;

#[derive(Debug, Clone, Args)]
pub struct CreateAccount {
    #[arg(long)]
    pub username: String,
    #[arg(long)]
    pub name: String,
    /// county_admin, committee_office, department_staff, town_staff, village_member,
    /// unit_manager, leader, system_admin, security_admin, audit_admin
    #[arg(long)]
    pub role: String,
    /// The division the account sees (12-digit code), for region-scoped roles.
    #[arg(long)]
    pub region: Option<String>,
    /// The department the account works for, for department staff.
    #[arg(long)]
    pub department: Option<i64>,
    /// The county of a department or unit account.
    #[arg(long)]
    pub county: Option<String>,
}

pub async fn create(store: &Store, args: CreateAccount) -> anyhow::Result<()> {
    let (password, generated) = match std::env::var("SAFEGRID_NEW_PASSWORD") {
        Ok(p) if !p.is_empty() => (p, false),
        _ => (crate::demo::generate_password(), true),
    };
    if let Err(v) = safegrid_domain::access::check_password("password", &password, &args.username) {
        anyhow::bail!(
            "SAFEGRID_NEW_PASSWORD does not meet the password rules (at least 10 characters of three kinds, not the account name, not a common password): {}",
            v.key
        );
    }
    let hash = safegrid_web::auth::hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let input = AccountInput {
        username: args.username,
        display_name: args.name,
        role: args.role,
        scope_region_code: args.region,
        scope_department_id: args.department,
        county_code: args.county,
        ..Default::default()
    };
    let account = input.parse(false).map_err(|e| {
        let fields: Vec<String> =
            e.0.iter()
                .map(|v| format!("{} ({})", v.field, v.key))
                .collect();
        anyhow::anyhow!("refused: {}", fields.join(", "))
    })?;
    let account = store
        .create_account(&Actor::system(), account, &hash)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("account {} created", account.username);
    if generated {
        println!("password (shown once): {password}");
    }
    Ok(())
}
