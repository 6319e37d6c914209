//! The demo county's paperwork: most units filed their hidden-hazard statistics for the last
//! two quarters (some after the due day, some not at all), the towns and departments their
//! grid plans for the year (two late, one still missing), and a village grid member's own
//! reports stand at different stages, so each start page has work on it.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use safegrid_domain::access::Actor;
use safegrid_domain::hazard::report::Period;
use safegrid_domain::time::{start_of_local_day, today};
use safegrid_store::{HazardInput, Store, TransitionInput, Unit, UnitFilter};

fn err(e: safegrid_store::StoreError) -> anyhow::Error {
    anyhow::anyhow!("demo reports: {e}")
}

async fn all_units(store: &Store) -> anyhow::Result<Vec<Unit>> {
    let system = Actor::system();
    let mut units: Vec<Unit> = Vec::new();
    loop {
        let after = units.last().map_or(0, |u| u.id);
        let batch = store
            .units_after(&system, &UnitFilter::default(), after, 1_000)
            .await
            .map_err(err)?;
        if batch.is_empty() {
            return Ok(units);
        }
        units.extend(batch);
    }
}

/// The last two ended quarters: about four in five units on time, one in ten late (up to three
/// weeks after the due day), the rest missing; nothing dated after now.
pub(crate) async fn seed_statistics_reports(store: &Store) -> anyhow::Result<u64> {
    let mut rng = StdRng::seed_from_u64(202_610);
    let units = all_units(store).await?;
    let (latest, _) = Period::latest(today());
    let earlier = latest.previous();
    let now = chrono::Utc::now();
    let mut filed = 0;
    for period in [earlier, latest] {
        let due = period.due();
        let filings: Vec<(i64, String, chrono::DateTime<chrono::Utc>)> = units
            .iter()
            .filter(|u| u.status.as_str() == "operating")
            .filter_map(|u| {
                let day = match rng.random_range(0..100) {
                    0..10 => return None,
                    10..20 => due + chrono::Days::new(rng.random_range(1..=21)),
                    _ => due - chrono::Days::new(rng.random_range(0..=14)),
                };
                let at = start_of_local_day(day) + chrono::Duration::hours(rng.random_range(8..18));
                let principal = u.principal.clone().unwrap_or_else(|| "负责人".to_owned());
                (at <= now).then_some((u.id, principal, at))
            })
            .collect();
        filed += store
            .seed_hazard_reports(&Actor::system(), period, &filings)
            .await
            .map_err(err)?;
    }
    Ok(filed)
}

/// The `cunwang` grid member's reports from the village: one waiting for the town, one
/// accepted and being rectified, one rejected as a duplicate — each step by the named
/// accounts, so the timeline shows people, not the system.
pub(crate) async fn seed_member_reports(store: &Store) -> anyhow::Result<()> {
    let (Some(member), Some(town)) = (
        store.account_by_username("cunwang").await.map_err(err)?,
        store.account_by_username("chengguan").await.map_err(err)?,
    ) else {
        return Ok(());
    };
    let Some(village) = member.scope_region_code.clone() else {
        return Ok(());
    };
    let member = member.actor(None);
    let town = town.actor(None);
    unit_hazards(store, &town).await?;
    let reports = [
        ("村口废品收购站", "废品堆放占用消防通道，旁有私拉电线", None),
        (
            "河边竹制品加工作坊",
            "作坊内刨花堆积，电线老化裸露",
            Some("accept"),
        ),
        (
            "村口废品收购站",
            "废品站电线私拉（与前一条相同）",
            Some("reject"),
        ),
    ];
    for (place, description, action) in reports {
        let made = store
            .report_hazard(
                &member,
                HazardInput {
                    region: Some(village.clone()),
                    unregistered_unit: Some(place.to_owned()),
                    source: Some("village_report".to_owned()),
                    level: Some("general".to_owned()),
                    description: Some(description.to_owned()),
                    ..Default::default()
                },
            )
            .await
            .map_err(err)?;
        let step = match action {
            Some("accept") => TransitionInput {
                action: Some("accept".to_owned()),
                deadline: Some((today() + chrono::Days::new(7)).to_string()),
                responsible_person: Some("作坊经营者".to_owned()),
                ..Default::default()
            },
            Some(other) => TransitionInput {
                action: Some(other.to_owned()),
                comment: Some("与本村已上报的隐患重复".to_owned()),
                ..Default::default()
            },
            None => continue,
        };
        store
            .transition_hazard(&town, made.hazard.id, step)
            .await
            .map_err(err)?;
    }
    Ok(())
}

/// The `qiye` unit's own work: a finding of its own check and one of the town's inspection,
/// both being rectified by their deadlines.
async fn unit_hazards(store: &Store, town: &Actor) -> anyhow::Result<()> {
    let Some(manager) = store.account_by_username("qiye").await.map_err(err)? else {
        return Ok(());
    };
    let Some(unit) = manager.scope_unit_id else {
        return Ok(());
    };
    let manager = manager.actor(None);
    let findings = [
        (&manager, "self_check", "仓库灭火器压力不足，未按月检查", 5),
        (town, "inspection", "安全出口被货物堵塞，疏散指示灯不亮", 10),
    ];
    for (actor, source, description, days) in findings {
        store
            .report_hazard(
                actor,
                HazardInput {
                    unit_id: Some(unit),
                    source: Some(source.to_owned()),
                    level: Some("general".to_owned()),
                    category: Some("消防".to_owned()),
                    description: Some(description.to_owned()),
                    deadline: Some((today() + chrono::Days::new(days)).to_string()),
                    responsible_person: Some("何晓燕".to_owned()),
                    made_known: Some(true),
                    ..Default::default()
                },
            )
            .await
            .map_err(err)?;
    }
    Ok(())
}

/// The year's grid plans (网格化监管实施方案): the county set 31 March; most towns and
/// departments filed in March, two in April, and the last town has not filed yet.
pub(crate) async fn seed_grid_plans(
    store: &Store,
    departments: &[(i64, &str)],
) -> anyhow::Result<()> {
    use safegrid_domain::org::input::GridPlanInput;
    let county = crate::demo::county_admin()?;
    let year = chrono::Datelike::year(&today());
    // A deadline already past, so the plans' standing shows on the calendar.
    let deadline = if today() > chrono::NaiveDate::from_ymd_opt(year, 3, 31).unwrap_or(today()) {
        year
    } else {
        year - 1
    };
    store
        .set_plan_deadline(&county, &format!("{deadline}-03-31"))
        .await
        .map_err(err)?;
    let towns = crate::demo::TOWNS;
    let owners = towns
        .iter()
        .take(towns.len() - 1)
        .map(|(code, name)| (None, Some((*code).to_owned()), (*name).to_owned()))
        .chain(
            departments
                .iter()
                .map(|(id, short)| (Some(*id), None, (*short).to_owned())),
        );
    for (i, (department_id, region_code, name)) in owners.enumerate() {
        let late = i == 3 || i == 12;
        let filed_on = if late {
            format!("{deadline}-04-{:02}", 8 + i % 10)
        } else {
            format!("{deadline}-03-{:02}", 10 + i % 18)
        };
        let input = GridPlanInput {
            department_id,
            region_code,
            title: format!("{name}{deadline}年安全生产网格化监管实施方案"),
            filed_on,
            note: late.then(|| "因机构调整延期报送".to_owned()),
        };
        store
            .file_plan(&county, input.parse(today())?)
            .await
            .map_err(err)?;
    }
    Ok(())
}
