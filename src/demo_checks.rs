//! The demo county's units checking themselves: the `qiye` supermarket and a few hundred others
//! (the key units among them) made their daily checks on most working days of the last year and
//! patrolled most months — some faithfully, some patchily, and some that stopped a few weeks
//! ago, so the town's list of who checks has every kind on it.

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
    Ok(())
}
