//! A year of inspections across the demo county: the towns and departments inspect most key
//! units most months and the other units most quarters, from the sector's checklist, with
//! realistic misses — one town and one department clearly behind — and a few recent findings
//! entered in the hazard ledger through the ordinary path.

use chrono::{Days, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use safegrid_domain::access::Actor;
use safegrid_domain::duty::{DutyKind, PartyKind, Period};
use safegrid_domain::inspection::checklist::{GENERAL, default_checklist};
use safegrid_domain::inspection::document::DocumentInput;
use safegrid_domain::inspection::{
    FindingInput, InspectedItem, InspectionInput, ItemInput, ItemResult,
};
use safegrid_domain::time::today;
use safegrid_store::inspections::PastInspection;
use safegrid_store::{DutyFilter, PageRequest, Store, UnitFilter};
use std::collections::HashMap;

fn err(e: safegrid_store::StoreError) -> anyhow::Error {
    anyhow::anyhow!("demo inspections: {e}")
}

const TOWN_INSPECTORS: [&str; 8] = [
    "陈晓峰",
    "刘建国",
    "王海燕",
    "张立新",
    "李明华",
    "杨帆",
    "赵志强",
    "周丽",
];
const DEPARTMENT_INSPECTORS: [&str; 8] = [
    "孙卫东",
    "吴晓梅",
    "郑国平",
    "冯涛",
    "何静",
    "高俊",
    "罗斌",
    "梁红",
];
/// Findings as inspectors write them, by checklist item keyword.
const NOTES: [&str; 6] = [
    "现场发现问题，已责令立即整改",
    "记录不全，要求补齐",
    "部分过期，要求更换",
    "标识缺失，要求补设",
    "未按规定落实，要求限期整改",
    "人员不熟悉，要求组织培训",
];

/// How often each party does its duty: most towns and departments most of the time; the
/// fourth town and the second department clearly behind.
fn diligence(party: &str, town_rank: usize, department_rank: usize) -> f64 {
    match party {
        "town" if town_rank == 3 => 0.55,
        "town" => 0.82 + 0.03 * (town_rank % 4) as f64,
        _ if department_rank == 1 => 0.5,
        _ => 0.72 + 0.05 * (department_rank % 4) as f64,
    }
}

pub(crate) async fn seed_inspections(store: &Store) -> anyhow::Result<()> {
    let system = Actor::system();
    let mut rng = StdRng::seed_from_u64(202_612);
    let today = today();
    let year_ago = today - Days::new(365);
    // The units' sectors and counties.
    let mut units = HashMap::new();
    let mut after = 0;
    loop {
        let batch = store
            .units_after(&system, &UnitFilter::default(), after, 1_000)
            .await
            .map_err(err)?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for u in batch {
            units.insert(u.id, (u.county_code.clone(), u.sector_code.clone()));
        }
    }
    // Every inspection duty of this year and last, read back from the duty calendar itself.
    let mut duties = Vec::new();
    for year in [
        today.format("%Y").to_string(),
        (today - Days::new(366)).format("%Y").to_string(),
    ] {
        let period = Period::parse("period", &year).map_err(|v| anyhow::anyhow!("{}", v.key))?;
        let mut page = 1;
        loop {
            let got = store
                .duties(
                    &system,
                    &DutyFilter {
                        kind: Some(DutyKind::Inspection),
                        period: Some(period),
                        ..DutyFilter::default()
                    },
                    PageRequest::new(Some(page), Some(PageRequest::MAX_PER_PAGE)),
                )
                .await
                .map_err(err)?;
            let done = got.items.len() < usize::try_from(got.per_page).unwrap_or(0);
            duties.extend(got.items);
            if done {
                break;
            }
            page += 1;
        }
    }
    let mut town_ranks: Vec<String> = duties.iter().filter_map(|d| d.town_code.clone()).collect();
    town_ranks.sort();
    town_ranks.dedup();
    let mut department_ranks: Vec<i64> = duties.iter().filter_map(|d| d.department_id).collect();
    department_ranks.sort_unstable();
    department_ranks.dedup();
    let mut past = Vec::new();
    for duty in &duties {
        let Ok(period) = Period::parse("period", &duty.period) else {
            continue;
        };
        let (first, last) = (period.first_day(), period.last_day());
        if last < year_ago || first > today {
            continue;
        }
        let town_rank = duty
            .town_code
            .as_ref()
            .and_then(|t| town_ranks.iter().position(|x| x == t))
            .unwrap_or(0);
        let department_rank = duty
            .department_id
            .and_then(|d| department_ranks.iter().position(|x| *x == d))
            .unwrap_or(0);
        let mut chance = diligence(&duty.party, town_rank, department_rank);
        // A period still running is only partly done so far.
        if last >= today {
            let elapsed = (today - first).num_days() as f64 + 1.0;
            let length = (last - first).num_days() as f64 + 1.0;
            chance *= (elapsed / length).min(1.0);
        }
        if !rng.random_bool(chance.clamp(0.0, 1.0)) {
            continue;
        }
        let end = last.min(today);
        let span = u64::try_from((end - first).num_days()).unwrap_or(0);
        let inspected_on = first + Days::new(rng.random_range(0..=span));
        let Some(unit_id) = duty.unit_id else {
            continue;
        };
        let Some((county, sector)) = units.get(&unit_id) else {
            continue;
        };
        let party = if duty.party == "department" {
            PartyKind::Department
        } else {
            PartyKind::Town
        };
        let pool = if party == PartyKind::Town {
            TOWN_INSPECTORS
        } else {
            DEPARTMENT_INSPECTORS
        };
        let first_inspector = rng.random_range(0..pool.len());
        let second = (first_inspector + 1 + rng.random_range(0..pool.len() - 1)) % pool.len();
        past.push(PastInspection {
            county_code: county.clone(),
            unit_id,
            region_code: duty.region_code.clone(),
            party,
            department_id: duty.department_id,
            inspected_on,
            inspectors: vec![pool[first_inspector].to_owned(), pool[second].to_owned()],
            items: checked_items(&mut rng, sector.as_deref()),
            summary: None,
        });
    }
    past.sort_by_key(|p| (p.inspected_on, p.unit_id));
    let ids = store
        .write_past_inspections(&system, &past)
        .await
        .map_err(err)?;
    documents(store, &system, &mut rng, &past, &ids, today).await?;
    recent_findings(store, &system, &mut rng, &past, today).await
}

/// Enforcement documents from about one inspection with findings in eighty: a rectification
/// order each, most reviewed within days of the deadline, some left unreviewed (overdue on
/// the calendar), a penalty where the review found the work not done, and now and then a
/// decision on the spot.
async fn documents(
    store: &Store,
    system: &Actor,
    rng: &mut StdRng,
    past: &[PastInspection],
    ids: &[i64],
    today: NaiveDate,
) -> anyhow::Result<()> {
    for (p, id) in past.iter().zip(ids) {
        let Some(finding) = p.items.iter().find(|i| i.result == ItemResult::Hazard) else {
            continue;
        };
        if !rng.random_bool(1.0 / 80.0) {
            continue;
        }
        let problem = format!(
            "{}（{}）",
            finding.item,
            finding.note.clone().unwrap_or_default()
        );
        let issue = |input: DocumentInput| store.issue_document(system, *id, input);
        if rng.random_bool(0.15) {
            issue(DocumentInput {
                kind: Some("on_site_decision".to_owned()),
                issued_on: Some(p.inspected_on.to_string()),
                content: Some(format!(
                    "经现场检查，你单位{problem}，存在重大事故隐患。依据《安全生产法》第六十五条，决定现场采取下列措施：责令暂时停止相关作业，撤出作业人员。"
                )),
                legal_basis: Some("《安全生产法》第六十五条".to_owned()),
                ..DocumentInput::default()
            })
            .await
            .map_err(err)?;
        }
        let deadline = p.inspected_on + Days::new(rng.random_range(7..31));
        let order = issue(DocumentInput {
            kind: Some("rectification_order".to_owned()),
            issued_on: Some(p.inspected_on.to_string()),
            deadline: Some(deadline.to_string()),
            content: Some(format!(
                "经检查，你单位存在下列问题：{problem}。依据《安全生产法》第六十五条，责令你单位于{deadline}前整改完毕，达到有关法律法规规章和标准规定的要求。"
            )),
            legal_basis: Some("《安全生产法》第六十五条".to_owned()),
            ..DocumentInput::default()
        })
        .await
        .map_err(err)?;
        let reviewed_on = deadline + Days::new(rng.random_range(0..6));
        if reviewed_on >= today || rng.random_bool(0.12) {
            continue;
        }
        let done = rng.random_bool(0.93);
        issue(DocumentInput {
            kind: Some("review_opinion".to_owned()),
            issued_on: Some(reviewed_on.to_string()),
            content: Some(if done {
                format!(
                    "经复查，{}责令整改的问题已整改完毕，同意恢复。",
                    order.number
                )
            } else {
                format!(
                    "经复查，{}责令整改的问题逾期未整改，依法立案查处。",
                    order.number
                )
            }),
            order_id: Some(order.id),
            ..DocumentInput::default()
        })
        .await
        .map_err(err)?;
        if !done {
            issue(DocumentInput {
                kind: Some("penalty_decision".to_owned()),
                issued_on: Some(reviewed_on.min(today).to_string()),
                content: Some(format!(
                    "你单位未按{}要求在期限内消除事故隐患，决定给予罚款的行政处罚。",
                    order.number
                )),
                fine_yuan: Some(f64::from(rng.random_range(1..11u32)) * 5_000.0),
                legal_basis: Some("《安全生产法》第一百零二条".to_owned()),
                ..DocumentInput::default()
            })
            .await
            .map_err(err)?;
        }
    }
    Ok(())
}

/// Four general items and two of the sector's, mostly in order; now and then a finding.
fn checked_items(rng: &mut StdRng, sector: Option<&str>) -> Vec<InspectedItem> {
    let general = default_checklist(GENERAL);
    let own = sector.map(default_checklist).unwrap_or_default();
    let mut picked: Vec<_> = (0..4)
        .map(|_| general[rng.random_range(0..general.len())].clone())
        .collect();
    if !own.is_empty() {
        picked.extend((0..2).map(|_| own[rng.random_range(0..own.len())].clone()));
    }
    picked.dedup_by(|a, b| a.item == b.item);
    picked
        .into_iter()
        .map(|c| {
            let result = match rng.random_range(0..100) {
                0..8 => ItemResult::Hazard,
                8..14 => ItemResult::Na,
                _ => ItemResult::Ok,
            };
            InspectedItem {
                checklist_item_id: None,
                note: (result == ItemResult::Hazard)
                    .then(|| NOTES[rng.random_range(0..NOTES.len())].to_owned()),
                item: c.item,
                result,
            }
        })
        .collect()
}

/// A few inspections of the last fortnight found hazards still being rectified: they are
/// recorded as a person would, so their findings enter the ledger linked to them.
async fn recent_findings(
    store: &Store,
    system: &Actor,
    rng: &mut StdRng,
    past: &[PastInspection],
    today: NaiveDate,
) -> anyhow::Result<()> {
    let recent: Vec<&PastInspection> = past
        .iter()
        .filter(|p| {
            p.inspected_on + Days::new(14) >= today
                && p.items.iter().any(|i| i.result == ItemResult::Hazard)
        })
        .take(12)
        .collect();
    for p in recent {
        let finding = p.items.iter().find(|i| i.result == ItemResult::Hazard);
        let Some(finding) = finding else { continue };
        let input = InspectionInput {
            unit_id: Some(p.unit_id),
            inspected_on: Some(p.inspected_on.to_string()),
            inspectors: p.inspectors.clone(),
            department_id: p.department_id,
            items: p
                .items
                .iter()
                .map(|i| ItemInput {
                    checklist_item_id: None,
                    item: Some(i.item.clone()),
                    result: Some(i.result.as_str().to_owned()),
                    note: i.note.clone(),
                })
                .collect(),
            hazards: vec![FindingInput {
                description: Some(format!(
                    "{}：{}",
                    finding.item,
                    finding.note.clone().unwrap_or_default()
                )),
                level: Some("general".to_owned()),
                deadline: Some((today + Days::new(rng.random_range(3..15))).to_string()),
                ..FindingInput::default()
            }],
            ..InspectionInput::default()
        };
        store.record_inspection(system, input).await.map_err(err)?;
    }
    Ok(())
}
