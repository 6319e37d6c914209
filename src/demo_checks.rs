//! The demo county's units checking themselves: the `qiye` supermarket and a few hundred others
//! (the key units among them) made their daily checks on most working days of the last year and
//! patrolled most months — some faithfully, some patchily, and some that stopped a few weeks
//! ago, so the town's list of who checks has every kind on it. The same units hold their three
//! posts' certificates: most current, some due for review within weeks, some overdue.

use chrono::Datelike;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use safegrid_domain::access::Actor;
use safegrid_domain::time::today;
use safegrid_domain::unit::check::{CheckKind, WorkingDays};
use safegrid_store::{PastCheck, Store, UnitFilter};

fn err(e: safegrid_store::StoreError) -> anyhow::Error {
    anyhow::anyhow!("demo checks: {e}")
}

/// How a unit keeps up its checks.
#[derive(Clone, Copy)]
enum Habit {
    Faithful,
    Patchy,
    /// Stopped this many days ago.
    Stopped(u64),
}

pub(crate) async fn seed_checks(store: &Store, own_unit: i64) -> anyhow::Result<()> {
    let system = Actor::system();
    let mut rng = StdRng::seed_from_u64(202_613);
    let today = today();
    // The supermarket opens six days a week.
    store
        .set_working_days(&system, own_unit, "1111110")
        .await
        .map_err(err)?;
    let mut units = Vec::new();
    let mut after = 0;
    loop {
        let batch = store
            .units_after(&system, &UnitFilter::default(), after, 1_000)
            .await
            .map_err(err)?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        units.extend(batch.into_iter().filter(|u| {
            u.region.is_some()
                && u.status.as_str() == "operating"
                && (u.id == own_unit || u.is_key || u.id % 9 == 0)
        }));
    }
    let mut past = Vec::new();
    for unit in &units {
        let habit = if unit.id == own_unit {
            Habit::Faithful
        } else {
            match rng.random_range(0..100) {
                0..60 => Habit::Faithful,
                60..85 => Habit::Patchy,
                _ => Habit::Stopped(rng.random_range(10..45)),
            }
        };
        let working = if unit.id == own_unit {
            WorkingDays::parse("working_days", "1111110").unwrap_or_default()
        } else {
            WorkingDays::default()
        };
        let (daily, patrol, until) = match habit {
            Habit::Faithful => (0.95, 0.95, today),
            Habit::Patchy => (0.6, 0.6, today),
            Habit::Stopped(days) => (0.9, 0.9, today - chrono::Days::new(days)),
        };
        let by = unit
            .safety_manager
            .clone()
            .or_else(|| unit.principal.clone())
            .unwrap_or_else(|| unit.name.clone());
        let start = today - chrono::Days::new(365);
        let mut patrolled: Option<(i32, u32)> = None;
        for day in start.iter_days().take_while(|d| *d <= until) {
            if !working.works_on(day) {
                continue;
            }
            let check = |kind| PastCheck {
                county_code: unit.county_code.clone(),
                unit_id: unit.id,
                kind,
                checked_on: day,
                checked_by: by.clone(),
            };
            if rng.random_bool(daily) {
                past.push(check(CheckKind::Daily));
            }
            let month = (chrono::Datelike::year(&day), chrono::Datelike::month(&day));
            if patrolled != Some(month) && chrono::Datelike::day(&day) >= 20 {
                patrolled = Some(month);
                if rng.random_bool(patrol) {
                    past.push(check(CheckKind::MonthlyPatrol));
                }
            }
        }
    }
    store.write_past_checks(&system, &past).await.map_err(err)?;
    seed_certificates(store, &units, own_unit, &mut rng).await?;
    seed_trainings(store, &units, own_unit, &mut rng).await
}

/// Trainings of the supermarket (pre-shift briefings on the last two months' working days, a
/// monthly exam, publicity each half year, the three posts' training) and of forty other units
/// (exams of the last six months, some missed).
async fn seed_trainings(
    store: &Store,
    units: &[safegrid_store::Unit],
    own_unit: i64,
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    use safegrid_domain::unit::training::TrainingInput;
    let system = Actor::system();
    let today = today();
    let add = async |unit: &safegrid_store::Unit,
                     kind: &str,
                     on: chrono::NaiveDate,
                     topic: &str,
                     hours: f64,
                     names: Vec<String>| {
        let count = if names.is_empty() { Some(5) } else { None };
        // The supermarket's exams and three-post trainings keep a photo of the signed sheet.
        let sheet = if unit.id == own_unit && matches!(kind, "monthly_exam" | "three_post") {
            let p = safegrid_office::photo::demo_scene(on.ordinal().into(), true)
                .map_err(|e| anyhow::anyhow!("demo photo: {e}"))?;
            Some(safegrid_store::PhotoFile {
                image: p.jpeg,
                thumbnail: p.thumbnail,
                width: p.width,
                height: p.height,
            })
        } else {
            None
        };
        store
            .add_training_with_sheet(
                &system,
                unit.id,
                TrainingInput {
                    kind: Some(kind.to_owned()),
                    held_on: Some(on.to_string()),
                    topic: Some(topic.to_owned()),
                    hours: Some(hours),
                    attendee_count: count,
                    attendees: names,
                    scores: Vec::new(),
                    sign_in_sheet: None,
                },
                sheet,
            )
            .await
            .map(|_| ())
            .map_err(err)
    };
    for (n, unit) in units
        .iter()
        .enumerate()
        .filter(|(n, u)| u.id == own_unit || n % 16 == 1)
    {
        let own = unit.id == own_unit;
        let staff = vec![
            unit.principal.clone().unwrap_or_default(),
            unit.safety_manager.clone().unwrap_or_default(),
        ];
        let staff: Vec<String> = staff.into_iter().filter(|s| !s.is_empty()).collect();
        for back in 0..(if own { 12 } else { 6 }) {
            let on = today - chrono::Days::new(30 * back + 3);
            if on > today || (!own && rng.random_bool(0.2)) {
                continue;
            }
            add(
                unit,
                "monthly_exam",
                on,
                "岗位安全操作规程考试",
                1.0,
                staff.clone(),
            )
            .await?;
        }
        for back in [20u64, 200] {
            add(
                unit,
                "publicity",
                today - chrono::Days::new(back),
                "安全生产月宣传教育",
                2.0,
                Vec::new(),
            )
            .await?;
        }
        if own || n % 32 == 1 {
            add(
                unit,
                "three_post",
                today - chrono::Days::new(60),
                "三岗人员年度安全再培训",
                16.0,
                staff.clone(),
            )
            .await?;
        }
        if own {
            let working = WorkingDays::parse("working_days", "1111110").unwrap_or_default();
            for back in 0..60u64 {
                let on = today - chrono::Days::new(back);
                if working.works_on(on) && rng.random_bool(0.9) {
                    add(unit, "pre_shift", on, "当班安全提示", 0.25, Vec::new()).await?;
                }
            }
        }
    }
    Ok(())
}

/// Special operations the demo's units need, by sector.
fn operations(sector: Option<&str>) -> &'static [&'static str] {
    match sector {
        Some("hazardous_chemicals") => &["hazardous_chemicals", "electrician"],
        Some("non_coal_mine") => &["metal_mine", "electrician"],
        Some("fireworks") => &["fireworks"],
        Some("metal_smelting") => &["metallurgy", "welding"],
        Some("construction") => &["work_at_height", "welding", "electrician"],
        Some("special_equipment" | "machinery") => &["welding", "electrician"],
        _ => &["electrician"],
    }
}

async fn seed_certificates(
    store: &Store,
    units: &[safegrid_store::Unit],
    own_unit: i64,
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    use safegrid_domain::unit::certificate::CertificateInput;
    let system = Actor::system();
    let today = today();
    for (n, unit) in units
        .iter()
        .enumerate()
        .filter(|(n, u)| u.id == own_unit || n % 4 == 0)
    {
        let principal = unit.principal.clone().unwrap_or_else(|| unit.name.clone());
        let manager = unit
            .safety_manager
            .clone()
            .unwrap_or_else(|| principal.clone());
        let mut certificates = vec![
            ("principal", None, principal),
            ("safety_manager", None, manager),
        ];
        for op in operations(unit.sector_code.as_deref()) {
            certificates.push((
                "special_operation",
                Some(*op),
                format!(
                    "{}{}",
                    crate::demo::SURNAMES[(n * 7 + op.len()) % crate::demo::SURNAMES.len()],
                    crate::demo::GIVEN[(n * 3 + op.len()) % crate::demo::GIVEN.len()]
                ),
            ));
        }
        for (i, (kind, category, holder)) in certificates.into_iter().enumerate() {
            // Issued so that the review falls anywhere from three months ago to eleven months on.
            let cycle = if kind == "special_operation" { 36 } else { 12 };
            let due_in: i64 = rng.random_range(-90..330);
            let review = today + chrono::Duration::days(due_in);
            let issued = review
                .checked_sub_months(chrono::Months::new(cycle))
                .unwrap_or(review);
            if issued > today {
                continue;
            }
            let expires = issued
                .checked_add_months(chrono::Months::new(if kind == "special_operation" {
                    72
                } else {
                    36
                }))
                .unwrap_or(review);
            let input = CertificateInput {
                holder: Some(holder),
                kind: Some(kind.to_owned()),
                category: category.map(str::to_owned),
                number: Some(format!(
                    "{}{:06}{i}",
                    if kind == "special_operation" {
                        "T"
                    } else {
                        "A"
                    },
                    unit.id
                )),
                issued_on: Some(issued.to_string()),
                expires_on: Some(expires.to_string()),
            };
            store
                .add_certificate(&system, unit.id, input)
                .await
                .map_err(err)?;
        }
    }
    Ok(())
}
