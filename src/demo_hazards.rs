//! A year of hidden hazards across the demo county, in a realistic mix: mostly general ones
//! from the units' own checks and inspections, rectified and closed in time; some still being
//! rectified, some overdue, a few returned once; village and public reports; a few major
//! hazards with their plans, one listed for supervision by the county.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use safegrid_domain::access::{Actor, Role, Scope};
use safegrid_domain::org::{GridKind, PostKind};
use safegrid_domain::region::RegionCode;
use safegrid_store::{
    HazardInput, LedgerFilter, NewPhoto, PhotoFile, PlanInput, Store, TransitionInput, UnitFilter,
};
use std::collections::HashMap;

/// Hazards in the demo year.
const HAZARDS: usize = 900;

const FINDINGS: [(&str, &str); 12] = [
    ("消防", "灭火器压力不足，未按期检查"),
    ("消防", "安全出口被货物堵塞"),
    ("用电", "配电箱未上锁，线路私拉乱接"),
    ("用电", "电缆绝缘层破损"),
    ("特种设备", "叉车操作人员无证上岗"),
    ("特种设备", "压力容器安全阀超期未检"),
    ("燃气", "液化气瓶与灶具间距不足"),
    ("危险化学品", "危化品仓库通风不良，标识缺失"),
    ("有限空间", "有限空间作业未设警示标志"),
    ("粉尘防爆", "除尘系统未定期清灰"),
    ("建筑施工", "脚手架连墙件缺失"),
    ("其他", "安全警示标识不全"),
];

/// The categories of finding that fit a unit's sector: fire and electricity anywhere; lifting
/// gear and pressure vessels where there is machinery; chemicals only at a chemical works;
/// scaffolding only on a building site (no special-equipment hazard at a pharmacy).
fn fits(category: &str, sector: Option<&str>) -> bool {
    match category {
        "消防" | "用电" | "其他" => true,
        "特种设备" => matches!(
            sector,
            Some(
                "machinery"
                    | "industry_trade"
                    | "metal_smelting"
                    | "special_equipment"
                    | "non_coal_mine"
                    | "hazardous_chemicals"
                    | "construction"
            )
        ),
        "燃气" => matches!(
            sector,
            None | Some("town_gas" | "fire_safety" | "tourism" | "education" | "food_drug")
        ),
        "危险化学品" => matches!(sector, Some("hazardous_chemicals" | "fireworks")),
        "有限空间" => matches!(
            sector,
            Some(
                "industry_trade" | "food_drug" | "water" | "hazardous_chemicals" | "metal_smelting"
            )
        ),
        "粉尘防爆" => matches!(
            sector,
            Some("industry_trade" | "machinery" | "metal_smelting" | "forestry")
        ),
        "建筑施工" => matches!(sector, Some("construction")),
        _ => false,
    }
}

fn err(e: safegrid_store::StoreError) -> anyhow::Error {
    anyhow::anyhow!("demo hazards: {e}")
}

fn step(action: &str) -> TransitionInput {
    TransitionInput {
        action: Some(action.to_owned()),
        ..Default::default()
    }
}

/// Who takes each step, by name, as the grid's posts are held: each village's grid member
/// reports, the zone's safety inspector (or the station) inspects, accepts and verifies, the
/// unit's safety manager rectifies, the county's committee office lists. Each acts as an
/// account of its role scoped to its place, so the lifecycle's rules hold for it, and the
/// timeline shows the person's name.
struct Cast {
    /// (region, grid kind, post) → the names holding it.
    holders: HashMap<(String, GridKind, PostKind), Vec<String>>,
}

impl Cast {
    async fn load(store: &Store) -> anyhow::Result<Cast> {
        let lines = store
            .ledger_all(
                &Actor::system(),
                &LedgerFilter::default(),
                safegrid_domain::time::today(),
                200_000,
            )
            .await
            .map_err(err)?;
        let mut holders: HashMap<_, Vec<String>> = HashMap::new();
        for line in lines {
            if let Some(name) = line.person_name {
                holders
                    .entry((line.region_code, line.grid_kind, line.post_kind))
                    .or_default()
                    .push(name);
            }
        }
        Ok(Cast { holders })
    }

    fn holder(&self, region: &str, grid: GridKind, post: PostKind) -> Option<&String> {
        self.holders
            .get(&(region.to_owned(), grid, post))
            .and_then(|names| names.first())
    }

    fn person(name: &str, role: Role, scope: Scope) -> Actor {
        Actor {
            account_id: None,
            username: name.to_owned(),
            role,
            scope,
            from: None,
        }
    }

    /// The town's inspector for a village: the zone's safety inspector, else its station
    /// chief, else the station's head.
    fn inspector(&self, village: &RegionCode) -> Actor {
        let town = village.town().unwrap_or_else(|| village.clone());
        let name = self
            .holder(
                village.as_str(),
                GridKind::TownZone,
                PostKind::SafetyInspector,
            )
            .or_else(|| self.holder(village.as_str(), GridKind::TownZone, PostKind::StationChief))
            .or_else(|| self.holder(town.as_str(), GridKind::Town, PostKind::StationHead))
            .cloned()
            .unwrap_or_else(|| "安监站".to_owned());
        Cast::person(&name, Role::TownStaff, Scope::Region { root: town })
    }

    /// The village's grid member (or head), when it has one.
    fn grid_member(&self, village: &RegionCode) -> Option<Actor> {
        self.holder(village.as_str(), GridKind::Village, PostKind::GridMember)
            .or_else(|| self.holder(village.as_str(), GridKind::Village, PostKind::GridHead))
            .map(|name| {
                Cast::person(
                    name,
                    Role::VillageMember,
                    Scope::Region {
                        root: village.clone(),
                    },
                )
            })
    }

    /// The unit's safety manager (or principal) acting for the unit itself.
    fn unit(unit: &safegrid_store::Unit, county: &RegionCode) -> Actor {
        let name = unit
            .safety_manager
            .clone()
            .or_else(|| unit.principal.clone())
            .unwrap_or_else(|| unit.name.clone());
        Cast::person(
            &name,
            Role::UnitManager,
            Scope::Unit {
                county: county.clone(),
                unit_id: unit.id,
            },
        )
    }
}

pub(crate) async fn seed_hazards(store: &Store) -> anyhow::Result<()> {
    let system = Actor::system();
    let mut rng = StdRng::seed_from_u64(202_611);
    let mut units = Vec::new();
    loop {
        let after = units.last().map_or(0, |u: &safegrid_store::Unit| u.id);
        let batch = store
            .units_after(&system, &UnitFilter::default(), after, 1_000)
            .await
            .map_err(err)?;
        if batch.is_empty() {
            break;
        }
        units.extend(batch);
    }
    // Units placed in a village, the unit manager's supermarket aside (its own story).
    let units: Vec<_> = units
        .into_iter()
        .filter(|u| u.region.is_some() && u.id != 1)
        .collect();
    if units.len() < 10 {
        return Ok(());
    }
    let cast = Cast::load(store).await?;
    // The county's committee office lists the one major hazard it supervises itself.
    let office = Cast::person(
        "县安委办",
        Role::CommitteeOffice,
        Scope::Region {
            root: RegionCode::parse("county", crate::demo::COUNTY)
                .map_err(|e| anyhow::anyhow!("{e:?}"))?,
        },
    );
    let mut listed_one = false;
    let chemical_works: Vec<&safegrid_store::Unit> = units
        .iter()
        .filter(|u| u.sector_code.as_deref() == Some("hazardous_chemicals"))
        .collect();
    for i in 0..HAZARDS {
        let major = i % 97 == 13;
        // The one listed for supervision is at a chemical works.
        let unit = match chemical_works.len() {
            n if major && !listed_one && n > 0 => chemical_works[rng.random_range(0..n)],
            _ => &units[rng.random_range(0..units.len())],
        };
        let fitting: Vec<(&str, &str)> = FINDINGS
            .iter()
            .copied()
            .filter(|(category, _)| fits(category, unit.sector_code.as_deref()))
            .collect();
        let (category, description) = fitting[rng.random_range(0..fitting.len())];
        let days_ago: i64 = rng.random_range(0..365);
        // A major hazard is found by an inspection (a village's report of one is the town's to
        // accept before anything else happens to it).
        let source = match rng.random_range(0..100) {
            _ if major => "inspection",
            0..45 => "self_check",
            45..80 => "inspection",
            80..95 => "village_report",
            _ => "public_report",
        };
        let limit: u64 = if major { 30 } else { rng.random_range(3..15) };
        let deadline = (safegrid_domain::time::today() + chrono::Days::new(limit)).to_string();
        let village = unit
            .region
            .as_deref()
            .and_then(|r| RegionCode::parse("region", r).ok())
            .ok_or_else(|| anyhow::anyhow!("demo hazards: unit {} has no village", unit.id))?;
        let county_code = RegionCode::parse("county", unit.county_code.as_str())
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let inspector = cast.inspector(&village);
        let owner = Cast::unit(unit, &county_code);
        let reporter = match source {
            "self_check" => owner.clone(),
            "village_report" => cast
                .grid_member(&village)
                .unwrap_or_else(|| inspector.clone()),
            _ => inspector.clone(),
        };
        let made = store
            .report_hazard(
                &reporter,
                HazardInput {
                    unit_id: Some(unit.id),
                    source: Some(source.to_owned()),
                    level: Some(if major { "major" } else { "general" }.to_owned()),
                    category: Some(category.to_owned()),
                    description: Some(description.to_owned()),
                    deadline: Some(deadline.clone()),
                    responsible_person: unit.principal.clone(),
                    made_known: Some(rng.random_bool(0.8)),
                    ..Default::default()
                },
            )
            .await
            .map_err(err)?;
        let id = made.hazard.id;
        // Some findings come with the photo taken on the spot; some rectifications with one
        // of the place put right.
        let photo = |actor: &Actor, seed: u64, stage: &str| {
            let actor = actor.clone();
            let stage = stage.to_owned();
            async move {
                let p = safegrid_office::photo::demo_scene(seed, stage == "after")
                    .map_err(|e| anyhow::anyhow!("demo photo: {e}"))?;
                let file = PhotoFile {
                    image: p.jpeg,
                    thumbnail: p.thumbnail,
                    width: p.width,
                    height: p.height,
                };
                store
                    .add_hazard_photo(
                        &actor,
                        NewPhoto {
                            hazard_id: id,
                            stage,
                            file,
                        },
                    )
                    .await
                    .map_err(err)?;
                anyhow::Ok(())
            }
        };
        let seed = u64::try_from(i).unwrap_or_default();
        if i % 12 == 0 {
            photo(&reporter, seed, "before").await?;
        }
        let by = |actor: &Actor, input: TransitionInput| {
            let actor = actor.clone();
            async move { store.transition_hazard(&actor, id, input).await }
        };
        let mut listed = false;
        if major {
            by(
                &owner,
                TransitionInput {
                    plan: Some(PlanInput {
                        goals: Some(format!("消除{category}重大事故隐患")),
                        methods: Some("停产整改，委托专业单位实施改造".to_owned()),
                        funds: Some("企业自筹 5 万元".to_owned()),
                        organisation: Some("主要负责人牵头，安全管理人员具体落实".to_owned()),
                        timeline: Some("30 日内完成".to_owned()),
                        safety_measures: Some(
                            "整改期间停止相关作业，设置警戒区，制定专项应急预案".to_owned(),
                        ),
                    }),
                    ..step("submit_plan")
                },
            )
            .await
            .map_err(err)?;
            if !listed_one {
                by(
                    &office,
                    TransitionInput {
                        comment: Some("县安委办挂牌督办".to_owned()),
                        ..step("list")
                    },
                )
                .await
                .map_err(err)?;
                listed_one = true;
                listed = true;
            }
        }
        // Fresh reports from villages and the public wait for the town.
        let fresh_report = days_ago < 10 && matches!(source, "village_report" | "public_report");
        if made.hazard.state == "reported" && !fresh_report {
            by(
                &inspector,
                TransitionInput {
                    deadline: Some(deadline.clone()),
                    ..step("accept")
                },
            )
            .await
            .map_err(err)?;
        }
        // How far it got: old ones are mostly closed, recent ones still under way; some run
        // past their deadline.
        let finished =
            !fresh_report && days_ago > i64::try_from(limit).unwrap_or(0) && rng.random_bool(0.9);
        if finished && !listed {
            if rng.random_bool(0.08) {
                by(&owner, step("complete")).await.map_err(err)?;
                by(
                    &inspector,
                    TransitionInput {
                        comment: Some("整改不彻底，请重新整改".to_owned()),
                        ..step("return")
                    },
                )
                .await
                .map_err(err)?;
            }
            by(
                &owner,
                TransitionInput {
                    measures: Some("已按要求整改到位".to_owned()),
                    cost_yuan: Some(f64::from(rng.random_range(2..200u32)) * 100.0),
                    ..step("complete")
                },
            )
            .await
            .map_err(err)?;
            if i % 24 == 0 {
                photo(&owner, seed, "after").await?;
            }
            by(&inspector, step("verify")).await.map_err(err)?;
        }
        if !finished && !listed && !fresh_report && days_ago > 3 && rng.random_bool(0.3) {
            by(
                &owner,
                TransitionInput {
                    measures: Some("已整改，等待验收".to_owned()),
                    ..step("complete")
                },
            )
            .await
            .map_err(err)?;
        }
        let limit_days = i64::try_from(limit).unwrap_or(3);
        let span = if finished {
            // Most are closed within their deadline; about one in eight some days past it
            // (never later than today).
            if rng.random_bool(0.12) {
                (limit_days + rng.random_range(1..=12)).min(days_ago)
            } else {
                rng.random_range(1..=limit_days)
            }
        } else {
            days_ago.min(2)
        };
        store
            .backdate_hazard(&system, id, days_ago, span)
            .await
            .map_err(err)?;
    }
    Ok(())
}
