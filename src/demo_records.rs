//! The demo county's unit files: the `qiye` supermarket's own grid and management systems,
//! and a dozen major hazard sources at chemical, gas and refrigeration sites, identified on
//! dates that leave some due again soon, one overdue and one not yet filed.

use safegrid_domain::access::Actor;
use safegrid_store::{
    GridNodeInput, HazardSourceInput, PageRequest, Store, SubstanceInput, SystemInput, UnitFilter,
};

/// One demo identification: the site, people within 500 m, substances (name, tonnes), the day
/// it was identified and whether it was filed.
struct Site {
    sector: &'static str,
    /// A word in the unit's name, so a chlorine store sits at a chemical works.
    hint: &'static str,
    name: &'static str,
    people: i64,
    substances: &'static [(&'static str, f64)],
    identified_on: &'static str,
    filed: bool,
}

const SITES: [Site; 12] = [
    Site {
        sector: "hazardous_chemicals",
        hint: "化工",
        name: "液氯储罐区",
        people: 12,
        substances: &[("氯", 150.0)],
        identified_on: "2024-04-18",
        filed: true,
    },
    Site {
        sector: "hazardous_chemicals",
        hint: "化工",
        name: "液氨储罐区",
        people: 120,
        substances: &[("氨", 40.0)],
        identified_on: "2023-12-15",
        filed: true,
    },
    Site {
        sector: "hazardous_chemicals",
        hint: "化工",
        name: "甲醇罐区",
        people: 35,
        substances: &[("甲醇", 600.0)],
        identified_on: "2023-06-10",
        filed: true,
    },
    Site {
        sector: "hazardous_chemicals",
        hint: "加油站",
        name: "汽油储罐区",
        people: 160,
        substances: &[("汽油", 240.0)],
        identified_on: "2025-03-02",
        filed: true,
    },
    Site {
        sector: "hazardous_chemicals",
        hint: "化工",
        name: "氯气钢瓶库",
        people: 60,
        substances: &[("氯", 12.0), ("氨", 3.0)],
        identified_on: "2025-09-20",
        filed: true,
    },
    Site {
        sector: "hazardous_chemicals",
        hint: "化工",
        name: "硫化氢回收装置",
        people: 8,
        substances: &[("硫化氢", 9.0)],
        identified_on: "2026-10-20",
        filed: false,
    },
    Site {
        sector: "town_gas",
        hint: "燃气",
        name: "液化石油气储配站",
        people: 210,
        substances: &[("液化石油气", 120.0)],
        identified_on: "2024-08-08",
        filed: true,
    },
    Site {
        sector: "town_gas",
        hint: "燃气",
        name: "LNG 气化站",
        people: 90,
        substances: &[("天然气", 80.0)],
        identified_on: "2025-05-16",
        filed: true,
    },
    Site {
        sector: "hazardous_chemicals",
        hint: "液化气",
        name: "液化石油气瓶装供应站",
        people: 140,
        substances: &[("液化石油气", 20.0)],
        identified_on: "2024-11-30",
        filed: true,
    },
    Site {
        sector: "industry_trade",
        hint: "食品",
        name: "氨制冷机房",
        people: 55,
        substances: &[("氨", 15.0)],
        identified_on: "2024-01-09",
        filed: true,
    },
    Site {
        sector: "industry_trade",
        hint: "",
        name: "乙炔气瓶库",
        people: 30,
        substances: &[("乙炔", 1.5)],
        identified_on: "2025-10-11",
        filed: true,
    },
    Site {
        sector: "industry_trade",
        hint: "",
        name: "氢气站",
        people: 0,
        substances: &[("氢", 2.0)],
        identified_on: "2026-02-27",
        filed: true,
    },
];

/// Files the demo's hazard sources (where the demo has units for them) and the supermarket's
/// own grid and systems.
pub(crate) async fn seed_records(store: &Store, own_unit: i64) -> anyhow::Result<()> {
    let system = Actor::system();
    own_grid(store, &system, own_unit).await?;
    for (i, site) in SITES.iter().enumerate() {
        let filter = UnitFilter {
            sector: Some(site.sector.to_owned()),
            q: Some(site.hint.to_owned()).filter(|h| !h.is_empty()),
            ..Default::default()
        };
        // Sites alike go to different units.
        let nth = SITES[..i]
            .iter()
            .filter(|s| s.sector == site.sector && s.hint == site.hint)
            .count();
        let page = store
            .units(&system, &filter, PageRequest::new(Some(1), Some(50)))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let Some(unit) = page.items.get(nth * 3) else {
            continue;
        };
        let substances = site
            .substances
            .iter()
            .map(|(name, q)| {
                let named = safegrid_domain::unit::gb18218::NAMED_SUBSTANCES
                    .iter()
                    .find(|n| n.name_zh == *name);
                SubstanceInput {
                    name: Some((*name).to_owned()),
                    cas: named.map(|n| n.cas.to_owned()),
                    q: Some(*q),
                    critical_q: named.map(|n| n.critical_q),
                    beta: named.map(|n| n.beta),
                }
            })
            .collect();
        let identified = chrono::NaiveDate::parse_from_str(site.identified_on, "%Y-%m-%d")?;
        store
            .create_hazard_source(
                &system,
                HazardSourceInput {
                    unit_id: Some(unit.id),
                    name: Some(site.name.to_owned()),
                    people_within_500m: Some(site.people),
                    substances: Some(substances),
                    identified_on: Some(site.identified_on.to_owned()),
                    filed_on: site
                        .filed
                        .then(|| (identified + chrono::Days::new(9)).to_string()),
                    measures: Some(
                        "液位、温度、压力实时监测并接入县应急管理局监控平台；可燃/有毒气体报警与紧急切断联锁；专项应急预案每半年演练一次；包保责任人每季度现场检查。"
                            .to_owned(),
                    ),
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("hazard source {}: {e}", site.name))?;
    }
    Ok(())
}

async fn own_grid(store: &Store, actor: &Actor, unit: i64) -> anyhow::Result<()> {
    let node =
        |parent: Option<i64>, kind: &str, name: &str, person: &str, duties: &str| GridNodeInput {
            parent_id: parent,
            kind: Some(kind.to_owned()),
            name: Some(name.to_owned()),
            person: Some(person.to_owned()),
            phone: None,
            duties: Some(duties.to_owned()),
        };
    let add = |input: GridNodeInput| async move {
        store
            .add_grid_node(actor, unit, input)
            .await
            .map(|n| n.id)
            .map_err(|e| anyhow::anyhow!("own grid: {e}"))
    };
    let company = add(node(
        None,
        "company",
        "惠民超市",
        "何晓燕",
        "全面负责本店安全生产",
    ))
    .await?;
    let floor = add(node(
        Some(company),
        "workshop",
        "卖场",
        "周立",
        "卖场用电、消防通道和顾客安全",
    ))
    .await?;
    let store_room = add(node(
        Some(company),
        "workshop",
        "仓库",
        "吴刚",
        "货物堆码、叉车和库房防火",
    ))
    .await?;
    add(node(
        Some(floor),
        "team",
        "收银班组",
        "郑丽",
        "收银区秩序与应急疏散引导",
    ))
    .await?;
    add(node(
        Some(floor),
        "area",
        "生鲜区",
        "冯强",
        "冷柜用电、地面防滑",
    ))
    .await?;
    add(node(
        Some(floor),
        "place",
        "消防通道与安全出口",
        "周立",
        "每日开店前检查畅通",
    ))
    .await?;
    add(node(
        Some(store_room),
        "equipment",
        "配电箱",
        "吴刚",
        "每周检查，严禁私拉乱接",
    ))
    .await?;
    add(node(
        Some(store_room),
        "equipment",
        "货梯",
        "吴刚",
        "特种设备定期检验，持证操作",
    ))
    .await?;

    for (system, adopted) in [
        ("fire", "2023-03-01"),
        ("electricity", "2023-03-01"),
        ("flammables", "2023-03-01"),
        ("labour_protection", "2023-05-10"),
        ("training", "2023-03-01"),
        ("accident_reporting", "2023-03-01"),
        ("duty_rota", "2024-01-02"),
        ("rewards_penalties", "2024-01-02"),
        ("special_equipment", "2024-06-15"),
        ("hot_work", "2024-06-15"),
    ] {
        store
            .set_unit_system(
                actor,
                unit,
                SystemInput {
                    system: Some(system.to_owned()),
                    in_place: Some(true),
                    adopted_on: Some(adopted.to_owned()),
                    note: None,
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("system {system}: {e}"))?;
    }
    Ok(())
}
