//! The demo county's units: about 3,000 in realistic proportions across sectors and towns,
//! with key units, and a few deliberate coverage gaps for the audit to find. All invented.

use crate::demo::{COUNTY, DEPARTMENTS, DemoSize, GIVEN, SURNAMES, TOWNS};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use safegrid_domain::access::{Actor, Role, Scope};
use safegrid_domain::region::RegionCode;
use safegrid_domain::unit::uscc::check_character;
use safegrid_store::{Store, UnitInput};

/// Trade names (字号) units are called by.
const TRADE_NAMES: &[&str] = &[
    "恒达", "宏远", "鑫源", "兴旺", "华盛", "永安", "金山", "汉江", "凤凰", "秦巴", "月河", "德润",
    "利民", "盛丰", "顺通", "天成", "瑞祥", "东升", "嘉禾", "康达", "佳美", "新华", "富民", "福源",
    "聚鑫", "万家", "百顺", "千禧", "龙腾", "和信", "安泰", "宏图", "众诚", "博达", "金源", "同心",
    "恒通", "长青", "世纪", "丰泽",
];

/// A kind of unit: its sector (none for ordinary shops), weight in the census, the endings
/// of its names, its GB/T 4754 industry, and employees from–to.
struct Kind {
    sector: Option<&'static str>,
    weight: u32,
    endings: &'static [&'static str],
    industry: &'static str,
    employees: (i64, i64),
}

const KINDS: &[Kind] = &[
    Kind {
        sector: None,
        weight: 450,
        endings: &[
            "超市",
            "便利店",
            "五金店",
            "农资店",
            "服装店",
            "理发店",
            "药店",
            "小吃店",
        ],
        industry: "52",
        employees: (1, 8),
    },
    Kind {
        sector: Some("fire_safety"),
        weight: 120,
        endings: &["酒店", "宾馆", "农家乐", "餐饮店", "KTV", "商场"],
        industry: "62",
        employees: (3, 120),
    },
    Kind {
        sector: Some("industry_trade"),
        weight: 90,
        endings: &[
            "食品有限公司",
            "茶业有限公司",
            "木业有限公司",
            "纺织有限公司",
        ],
        industry: "14",
        employees: (8, 160),
    },
    Kind {
        sector: Some("construction"),
        weight: 70,
        endings: &["建筑工程有限公司", "建材有限公司", "装饰工程有限公司"],
        industry: "47",
        employees: (10, 300),
    },
    Kind {
        sector: Some("road_transport"),
        weight: 70,
        endings: &["运输有限公司", "物流有限公司", "客运站"],
        industry: "54",
        employees: (5, 120),
    },
    Kind {
        sector: Some("machinery"),
        weight: 40,
        endings: &["机械制造有限公司", "农机修造厂"],
        industry: "34",
        employees: (10, 200),
    },
    Kind {
        sector: Some("hazardous_chemicals"),
        weight: 30,
        endings: &["加油站", "化工有限公司", "液化气供应站"],
        industry: "26",
        employees: (4, 80),
    },
    Kind {
        sector: Some("special_equipment"),
        weight: 30,
        endings: &["起重设备租赁有限公司", "热力有限公司"],
        industry: "71",
        employees: (5, 60),
    },
    Kind {
        sector: Some("agriculture"),
        weight: 30,
        endings: &["农机专业合作社", "农业开发有限公司"],
        industry: "05",
        employees: (3, 40),
    },
    Kind {
        sector: Some("tourism"),
        weight: 20,
        endings: &["旅游开发有限公司", "景区"],
        industry: "78",
        employees: (10, 150),
    },
    Kind {
        sector: Some("non_coal_mine"),
        weight: 15,
        endings: &["石料厂", "矿业有限公司"],
        industry: "10",
        employees: (10, 90),
    },
    Kind {
        sector: Some("fireworks"),
        weight: 15,
        endings: &["烟花爆竹零售点"],
        industry: "52",
        employees: (1, 4),
    },
    Kind {
        sector: Some("town_gas"),
        weight: 10,
        endings: &["燃气有限公司"],
        industry: "45",
        employees: (10, 60),
    },
    Kind {
        sector: Some("metal_smelting"),
        weight: 5,
        endings: &["冶炼有限公司"],
        industry: "32",
        employees: (40, 250),
    },
];

const CODE_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A valid unified social credit code: registering authority, kind, the county's code, a
/// random body and its check character.
fn uscc(rng: &mut StdRng, individual: bool) -> Option<String> {
    let mut s = String::from(if individual { "92" } else { "91" });
    s.push_str(&COUNTY[..6]);
    for _ in 0..9 {
        s.push(char::from(
            CODE_CHARS[rng.random_range(0..CODE_CHARS.len())],
        ));
    }
    let check = check_character(s.as_bytes())?;
    s.push(check);
    Some(s)
}

/// The departments supervising a sector (a shop without a key sector: market regulation).
fn supervisors(sector: Option<&str>, departments: &[(i64, &str)]) -> Vec<i64> {
    departments
        .iter()
        .filter(|(_, short)| {
            let sectors = DEPARTMENTS
                .iter()
                .find(|d| d.1 == *short)
                .map_or(&[][..], |d| d.2);
            match sector {
                Some(sector) => sectors.contains(&sector),
                None => *short == "县市场监管局",
            }
        })
        .map(|(id, _)| *id)
        .collect()
}

fn pick<'a>(rng: &mut StdRng, total: u32) -> &'a Kind {
    let mut n = rng.random_range(0..total);
    for kind in KINDS {
        if n < kind.weight {
            return kind;
        }
        n -= kind.weight;
    }
    &KINDS[0]
}

/// An invented person's name.
fn someone(rng: &mut StdRng) -> String {
    format!(
        "{}{}",
        SURNAMES[rng.random_range(0..SURNAMES.len())],
        GIVEN[rng.random_range(0..GIVEN.len())]
    )
}

async fn add(store: &Store, actor: &Actor, unit: UnitInput) -> anyhow::Result<i64> {
    let name = unit.name.clone().unwrap_or_default();
    let made = store
        .create_unit(actor, unit)
        .await
        .map_err(|e| anyhow::anyhow!("adding unit {name}: {e}"))?;
    Ok(made.unit.id)
}

/// Adds the demo's units; answers the id of the unit the `qiye` account manages.
pub(crate) async fn seed_units(
    store: &Store,
    size: DemoSize,
    departments: &[(i64, &str)],
) -> anyhow::Result<i64> {
    let mut rng = StdRng::seed_from_u64(6_109_210);
    let system = Actor::system();
    let county = Actor {
        role: Role::CountyAdmin,
        scope: Scope::Region {
            root: RegionCode::parse("county", COUNTY).map_err(|e| anyhow::anyhow!("{e:?}"))?,
        },
        ..Actor::system()
    };
    let total: u32 = KINDS.iter().map(|k| k.weight).sum();

    // The unit manager's own: a supermarket in 城关镇's first village.
    let first_village = store
        .region_children(&system, Some(TOWNS[0].0))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .into_iter()
        .find(|r| r.kind == "village")
        .map(|r| r.code);
    let own = add(
        store,
        &system,
        UnitInput {
            name: Some("汉阴县城关镇惠民超市".into()),
            uscc: uscc(&mut rng, true),
            region: first_village,
            address: Some("城关镇和平路12号".into()),
            legal_rep: Some("何晓燕".into()),
            principal: Some("何晓燕".into()),
            safety_manager: Some("何晓燕".into()),
            phone: Some("13909150012".into()),
            employees: Some(6),
            industry: Some("5212".into()),
            supervising_department_ids: Some(supervisors(None, departments)),
            ..Default::default()
        },
    )
    .await?;
    if size.units_per_village == 0 {
        return Ok(own);
    }

    let mut serial = 0usize;
    for (town, town_name) in TOWNS {
        let villages = store
            .region_children(&system, Some(town))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        for village in villages {
            // Between half and one and a half times the average, as villages differ.
            let n = rng.random_range(size.units_per_village / 2..=size.units_per_village * 3 / 2);
            for _ in 0..n {
                serial += 1;
                let kind = pick(&mut rng, total);
                let trade = TRADE_NAMES[rng.random_range(0..TRADE_NAMES.len())];
                let ending = kind.endings[rng.random_range(0..kind.endings.len())];
                let name = format!(
                    "汉阴县{}{trade}{ending}",
                    village.name.trim_end_matches("社区").trim_end_matches('村')
                );
                let shop = kind.sector.is_none();
                let code = if shop && rng.random_bool(0.3) {
                    None
                } else {
                    uscc(&mut rng, shop)
                };
                let employees = rng.random_range(kind.employees.0..=kind.employees.1);
                let principal = someone(&mut rng);
                let (legal_rep, safety_manager) = if shop {
                    (principal.clone(), principal.clone())
                } else {
                    let legal_rep = if rng.random_bool(0.4) {
                        principal.clone()
                    } else {
                        someone(&mut rng)
                    };
                    (legal_rep, someone(&mut rng))
                };
                let high_risk = matches!(
                    kind.sector,
                    Some("hazardous_chemicals" | "non_coal_mine" | "fireworks" | "metal_smelting")
                );
                let lon = 108.3 + rng.random_range(0.0..0.4);
                let lat = 32.7 + rng.random_range(0.0..0.4);
                let unit = UnitInput {
                    name: Some(name),
                    no_uscc_reason: code
                        .is_none()
                        .then(|| "个体工商户，登记信息待补".to_owned()),
                    uscc: code,
                    region: Some(village.code.clone()),
                    address: Some(format!(
                        "{town_name}{}{}组{serial}号",
                        village.name,
                        rng.random_range(1..9)
                    )),
                    // A shop's owner is its legal representative, principal and safety
                    // manager at once; a company names a safety manager, and its legal
                    // representative is often not the one running it.
                    legal_rep: Some(legal_rep),
                    principal: Some(principal),
                    safety_manager: Some(safety_manager),
                    phone: Some(format!("139{:08}", rng.random_range(0..100_000_000u32))),
                    employees: Some(employees),
                    industry: Some(kind.industry.to_owned()),
                    sector: kind.sector.map(str::to_owned),
                    supervising_department_ids: Some(supervisors(kind.sector, departments)),
                    longitude: Some(lon),
                    latitude: Some(lat),
                    is_key: Some(high_risk || employees >= 150),
                    key_reason: (high_risk || employees >= 150).then(|| {
                        if high_risk {
                            "高危行业"
                        } else {
                            "从业人员较多"
                        }
                        .to_owned()
                    }),
                    standardisation: Some(
                        ["level2", "level3", "none", "none"][serial % 4].to_owned(),
                    ),
                    ..Default::default()
                };
                add(store, &system, unit).await?;
            }
        }
    }

    // Deliberate coverage gaps: units not yet placed in a village, and units no department
    // supervises.
    for (i, name) in [
        "汉阴县流动摊贩（待核实）",
        "汉阴县某采砂点（待核实）",
        "汉阴县新注册物流有限公司",
    ]
    .iter()
    .enumerate()
    {
        add(
            store,
            &county,
            UnitInput {
                name: Some((*name).to_owned()),
                no_uscc_reason: Some("待核实".into()),
                address: Some(format!("待核实 {}", i + 1)),
                supervising_department_ids: Some(Vec::new()),
                ..Default::default()
            },
        )
        .await?;
    }
    for name in ["汉阴县涧池镇某小作坊", "汉阴县平梁镇某修理铺"] {
        let town = if name.contains("涧池") {
            TOWNS[1].0
        } else {
            TOWNS[3].0
        };
        let village = store
            .region_children(&system, Some(town))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .into_iter()
            .next()
            .map(|r| r.code);
        add(
            store,
            &county,
            UnitInput {
                name: Some(name.to_owned()),
                no_uscc_reason: Some("个体工商户".into()),
                region: village,
                supervising_department_ids: Some(Vec::new()),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(own)
}
