//! The demo county's accidents of the past year: a few at units across the towns, their
//! reports passed up the chain (mostly in time, one late), one whose casualties were
//! supplemented, and one of three days ago whose town has not passed it on yet — so the
//! ledger, the statistics, the accident's timeline and the duty calendar all have something
//! to show. The unit manager's supermarket is left alone (the stories report there).

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use safegrid_domain::access::Actor;
use safegrid_domain::time::CHINA;
use safegrid_store::{AccidentInput, StepInput, Store, SupplementInput, UnitFilter};

/// (days ago, the sector of the unit it happens at, kind, deaths, serious injuries, direct
/// loss in yuan, what happened)
type Demo = (i64, &'static str, &'static str, i64, i64, f64, &'static str);

const ACCIDENTS: [Demo; 7] = [
    (
        3,
        "machinery",
        "machinery",
        0,
        1,
        28_000.0,
        "操作工清理冲床模具时未断电，右手被压伤",
    ),
    (
        12,
        "construction",
        "fall_from_height",
        1,
        1,
        1_350_000.0,
        "外墙脚手架作业，安全带未系挂，两人坠落",
    ),
    (
        47,
        "industry_trade",
        "electric_shock",
        0,
        1,
        15_000.0,
        "电工带电检修配电柜触电",
    ),
    (
        95,
        "industry_trade",
        "vehicle",
        0,
        2,
        60_000.0,
        "厂内叉车倒车撞伤装卸工",
    ),
    (
        160,
        "fire_safety",
        "fire",
        0,
        0,
        420_000.0,
        "库房电动车充电起火，烧毁部分货物",
    ),
    (
        230,
        "industry_trade",
        "poisoning",
        0,
        3,
        90_000.0,
        "污水池清淤未通风检测，三人中毒",
    ),
    (
        310,
        "construction",
        "lifting",
        0,
        1,
        35_000.0,
        "起吊钢构件时吊索断裂，砸伤地面指挥人员",
    ),
];

fn err(e: safegrid_store::StoreError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// China time as the report's fields take it.
fn china(at: DateTime<Utc>) -> String {
    at.with_timezone(&CHINA)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub(crate) async fn seed_accidents(store: &Store) -> anyhow::Result<()> {
    let county = Actor::system();
    let mut rng = StdRng::seed_from_u64(493);
    let units = store
        .units_after(&county, &UnitFilter::default(), 1, 2_000)
        .await
        .map_err(err)?;
    let units: Vec<_> = units.into_iter().filter(|u| u.region.is_some()).collect();
    if units.len() < ACCIDENTS.len() {
        return Ok(());
    }
    let now = Utc::now();
    for (i, (days, sector, kind, deaths, injured, loss, what)) in ACCIDENTS.iter().enumerate() {
        // A unit of the sector the accident belongs to (any unit if the county has none).
        let of_sector: Vec<_> = units
            .iter()
            .filter(|u| u.sector_code.as_deref() == Some(*sector))
            .collect();
        let unit = match of_sector.len() {
            0 => &units[rng.random_range(0..units.len())],
            n => of_sector[rng.random_range(0..n)],
        };
        let occurred = now - Duration::days(*days) - Duration::minutes(rng.random_range(0..600));
        // The town hears of it within the quarter hour and reports it from a phone.
        let reported = occurred + Duration::minutes(rng.random_range(5..15));
        let made = store
            .report_past_accident(
                &county,
                AccidentInput {
                    occurred_at: Some(china(occurred)),
                    unit_id: Some(unit.id),
                    kind: Some((*kind).to_owned()),
                    deaths: Some(*deaths),
                    serious_injuries: Some(*injured),
                    direct_loss_yuan: Some(*loss),
                    description: Some((*what).to_owned()),
                    measures: Some("已送医救治，现场警戒，停止同类作业".to_owned()),
                    ..Default::default()
                },
                reported,
            )
            .await
            .map_err(err)?;
        let id = made.accident.id;
        // The unit calls the county within the hour; the town and the departments pass it on
        // within their two hours — the one of three days ago is still with its town, and one
        // county step was late.
        let recent = i == 0;
        let mut passed = occurred + Duration::minutes(35);
        for step in &made.reports {
            let party = step.party.as_str();
            if recent && party != "unit" {
                break;
            }
            let received = match party {
                "unit" => occurred + Duration::minutes(5),
                _ => passed + Duration::minutes(5),
            };
            let late = i == 3 && party == "county";
            let forwarded = received + Duration::minutes(if late { 150 } else { 50 });
            store
                .record_accident_step(
                    &county,
                    id,
                    StepInput {
                        party: Some(party.to_owned()),
                        round: Some(step.round),
                        received_at: Some(china(received)),
                        forwarded_at: Some(china(forwarded)),
                        note: None,
                    },
                )
                .await
                .map_err(err)?;
            if party != "town" && party != "department" {
                passed = forwarded;
            }
        }
        // The fall from height: the second worker died in hospital four days later.
        if *kind == "fall_from_height" {
            store
                .supplement_accident(
                    &county,
                    id,
                    SupplementInput {
                        deaths: Some(deaths + 1),
                        missing: Some(0),
                        serious_injuries: Some(injured - 1),
                        direct_loss_yuan: Some(*loss),
                        at: Some(china(occurred + Duration::days(4))),
                        reason: Some("重伤一人经抢救无效死亡".to_owned()),
                    },
                )
                .await
                .map_err(err)?;
        }
    }
    Ok(())
}
