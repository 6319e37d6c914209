//! The demo county: Hanyin County (汉阴县) with its ten towns, fictional villages, departments,
//! people and accounts, staffed by the plan's rules with a few deliberate gaps for the checks
//! to find. Every name of a person here is invented.

use crate::config::Config;
use anyhow::Context;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use safegrid_domain::access::Actor;
use safegrid_domain::access::input::AccountInput;
use safegrid_domain::invalid::Invalid;
use safegrid_domain::org::input::{
    AppointmentInput, DepartmentInput, LeadershipMemberInput, PersonInput, RegionInput,
    ReplacementInput,
};
use safegrid_domain::region::RegionCode;
use safegrid_store::{GridFilter, NewOffice, PageRequest, Store};
use std::collections::HashMap;

pub const PROVINCE: &str = "610000000000";
pub const CITY: &str = "610900000000";
pub const COUNTY: &str = "610921000000";

/// The ten towns of the county plan, with their codes.
pub const TOWNS: [(&str, &str); 10] = [
    ("610921100000", "城关镇"),
    ("610921101000", "涧池镇"),
    ("610921102000", "蒲溪镇"),
    ("610921103000", "平梁镇"),
    ("610921104000", "双乳镇"),
    ("610921105000", "铁佛寺镇"),
    ("610921106000", "漩涡镇"),
    ("610921107000", "汉阳镇"),
    ("610921108000", "双河口镇"),
    ("610921109000", "观音河镇"),
];

/// Fictional village names, dealt out to the towns in turn.
const VILLAGE_NAMES: &[&str] = &[
    "新星", "和平", "五一", "兴隆", "太平", "东坡", "西岭", "南山", "北岔", "月河", "红光", "团结",
    "联合", "长岭", "石门", "龙泉", "青山", "丰收", "双桥", "花园", "黄土", "柳林", "田禾", "金星",
    "民主", "前进", "永安", "高峰", "安坪", "桂花", "枣园", "凤凰", "三柳", "中坝", "河坝", "茶园",
    "盘龙", "梨树", "堰坪", "马家", "陈家", "李家", "张家", "王家", "刘家", "油坊", "清泉", "白庙",
    "观音", "碑亭", "学堂", "桥头", "田坝", "水井", "鹿鸣", "银杏", "梓木", "竹园", "火石", "松树",
    "桃园", "槐树", "杨柳", "新华", "红星", "胜利", "光明", "向阳", "朝阳", "东风", "新民", "福寿",
    "兴安", "长春", "太白", "紫荆", "高桥", "龙王", "黑龙", "白鹤", "金龙", "玉泉", "天池", "仙河",
    "铁瓦", "石泉", "土门", "花坪", "大坝", "小河", "坪梁", "沙坝", "古城", "新庄", "老庄", "韩家",
    "吴家", "何家", "周家", "郑家", "冯家", "贾家", "罗家", "高家", "邓家", "许家", "苏家", "程家",
    "谢家", "唐家", "宋家", "蒋家", "袁家", "彭家", "曾家", "田家", "董家", "潘家", "蔡家", "余家",
    "杜家", "叶家", "魏家", "吕家", "丁家", "沈家", "姚家", "卢家", "姜家", "崔家", "钟家", "谭家",
    "陆家", "汪家", "范家", "金家", "石家", "廖家", "贺家", "邱家", "熊家", "孟家", "秦家", "阎家",
    "薛家", "侯家", "雷家", "白家", "龙家", "段家", "郝家", "孔家", "邵家", "史家",
];

const COMMUNITY_NAMES: &[&str] = &[
    "东城", "西城", "南街", "北街", "月河", "凤台", "文庙", "新区",
];

pub(crate) const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "魏", "苏", "吕", "丁", "任",
    "沈", "姚",
];
pub(crate) const GIVEN: &[&str] = &[
    "建国", "海军", "晓燕", "丽", "伟", "敏", "静", "磊", "洋", "勇", "军", "杰", "涛", "明", "超",
    "秀英", "桂兰", "志强", "红梅", "文斌", "永刚", "春花", "玉兰", "德明", "光辉", "立新", "国庆",
    "亚军", "小龙", "俊", "斌", "鹏", "飞", "宁", "华", "平", "刚", "辉", "霞", "芳", "娟", "波",
    "强", "亮", "琳", "婷", "雪", "浩", "宇", "欣",
];

/// County departments: name, short name, sectors supervised, whether it hosts the office.
pub(crate) const DEPARTMENTS: &[(&str, &str, &[&str], bool)] = &[
    (
        "县安全生产监督管理局",
        "县安监局",
        &[
            "hazardous_chemicals",
            "non_coal_mine",
            "fireworks",
            "metal_smelting",
            "industry_trade",
        ],
        true,
    ),
    (
        "县住房和城乡建设局",
        "县住建局",
        &["construction", "town_gas"],
        false,
    ),
    ("县交通运输局", "县交通局", &["road_transport"], false),
    (
        "县市场监督管理局",
        "县市场监管局",
        &["special_equipment", "food_drug"],
        false,
    ),
    ("县消防救援大队", "县消防大队", &["fire_safety"], false),
    (
        "县公安局",
        "县公安局",
        &["road_transport", "fireworks"],
        false,
    ),
    ("县教育体育局", "县教体局", &["education"], false),
    ("县农业农村局", "县农业农村局", &["agriculture"], false),
    ("县水利局", "县水利局", &["water"], false),
    ("县文化和旅游广电局", "县文旅局", &["tourism"], false),
    ("县自然资源局", "县自然资源局", &["non_coal_mine"], false),
    (
        "县工业和信息化局",
        "县工信局",
        &["machinery", "industry_trade", "power"],
        false,
    ),
    ("县林业局", "县林业局", &["forestry"], false),
    ("县卫生健康局", "县卫健局", &["fire_safety"], false),
    ("县商务局", "县商务局", &["fire_safety", "town_gas"], false),
];

/// How big a demo to make: the full county for people, a smaller one for tests.
#[derive(Debug, Clone, Copy)]
pub struct DemoSize {
    /// Villages (and communities) of each town in turn: towns differ, as in the real county.
    pub villages_per_town: &'static [usize],
    pub departments: usize,
    /// Units per village on average (the unit manager's own unit is always made).
    pub units_per_village: usize,
}

impl DemoSize {
    pub const FULL: DemoSize = DemoSize {
        // From the county seat's 22 down to a mountain town's 8: 133 in all.
        villages_per_town: &[22, 18, 14, 12, 13, 9, 16, 11, 10, 8],
        departments: DEPARTMENTS.len(),
        units_per_village: 23,
    };
    pub const SMALL: DemoSize = DemoSize {
        villages_per_town: &[3],
        departments: 4,
        units_per_village: 0,
    };
}

/// The demo accounts: username, display name, role, and where they work.
pub enum DemoScope {
    County,
    /// The demo's own unit in 城关镇.
    OwnUnit,
    Town(&'static str),
    FirstVillageOf(&'static str),
    Department(&'static str),
    Administration,
}

pub const ACCOUNTS: &[(&str, &str, &str, DemoScope)] = &[
    ("admin", "刘建华", "county_admin", DemoScope::County),
    (
        "anweiban",
        "县安委办",
        "committee_office",
        DemoScope::County,
    ),
    (
        "chengguan",
        "城关镇安监站",
        "town_staff",
        DemoScope::Town("610921100000"),
    ),
    (
        "xuanwo",
        "漩涡镇安监站",
        "town_staff",
        DemoScope::Town("610921106000"),
    ),
    (
        "anjian",
        "县安监局",
        "department_staff",
        DemoScope::Department("县安监局"),
    ),
    (
        "zhujian",
        "县住建局",
        "department_staff",
        DemoScope::Department("县住建局"),
    ),
    (
        "cunwang",
        "城关镇村网格员",
        "village_member",
        DemoScope::FirstVillageOf("610921100000"),
    ),
    ("lingdao", "周立新", "leader", DemoScope::County),
    ("qiye", "何晓燕", "unit_manager", DemoScope::OwnUnit),
    (
        "sysadmin",
        "系统管理员",
        "system_admin",
        DemoScope::Administration,
    ),
    (
        "secadmin",
        "安全管理员",
        "security_admin",
        DemoScope::Administration,
    ),
    (
        "auditor",
        "审计管理员",
        "audit_admin",
        DemoScope::Administration,
    ),
];

/// A random password of 12 letters and digits that are hard to confuse.
pub fn generate_password() -> String {
    const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.#";
    let mut rng = rand::rng();
    loop {
        let candidate: String = (0..14)
            .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
            .collect();
        // Drawn again until it meets the password rules (three kinds of character …); the
        // account name rule is met by any name of the demo or the command line, which are
        // letters and digits a random draw of 14 practically never holds.
        if safegrid_domain::access::check_password("password", &candidate, "").is_ok() {
            return candidate;
        }
    }
}

/// Loads the full demo county into an empty database; leaves a database with accounts alone.
pub async fn seed_if_empty(store: &Store, config: &Config) -> anyhow::Result<()> {
    if store.has_accounts().await? {
        println!("the database already holds data: demo county not loaded again");
        return Ok(());
    }
    let (password, generated) = match &config.demo_password {
        Some(p) if !p.is_empty() => (p.clone(), false),
        _ => (generate_password(), true),
    };
    let started = std::time::Instant::now();
    let hash = safegrid_web::auth::hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("loading the demo county (about 15 s)…");
    seed(store, DemoSize::FULL, &hash).await?;
    store.analyze().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "demo county loaded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let names: Vec<&str> = ACCOUNTS.iter().map(|a| a.0).collect();
    println!("demo accounts: {}", names.join(", "));
    if generated {
        println!("demo password (shown once; set SAFEGRID_DEMO_PASSWORD to choose it): {password}");
    } else {
        println!("demo password: the value of SAFEGRID_DEMO_PASSWORD");
    }
    Ok(())
}

/// Deterministic fictional people.
struct People {
    rng: StdRng,
}

impl People {
    fn name(&mut self) -> String {
        let s = SURNAMES[self.rng.random_range(0..SURNAMES.len())];
        let g = GIVEN[self.rng.random_range(0..GIVEN.len())];
        format!("{s}{g}")
    }

    fn phone(&mut self) -> String {
        format!(
            "13{}{:08}",
            self.rng.random_range(3..10),
            self.rng.random_range(0..100_000_000u32)
        )
    }

    async fn register(
        &mut self,
        store: &Store,
        region: &str,
        department: Option<i64>,
        title: &str,
    ) -> anyhow::Result<i64> {
        let mut new = PersonInput {
            name: self.name(),
            phone: Some(self.phone()),
            job_title: Some(title.to_owned()),
        }
        .parse()?;
        new.region = Some(RegionCode::parse("region_code", region).map_err(Invalid::from)?);
        new.department_id = department;
        let person = store
            .create_person(&Actor::system(), new)
            .await
            .map_err(|e| anyhow::anyhow!("registering a person: {e}"))?;
        Ok(person.id)
    }
}

async fn appoint(store: &Store, post: i64, person: i64, since: &str) -> anyhow::Result<i64> {
    let h = store
        .appoint(
            &Actor::system(),
            post,
            AppointmentInput {
                person_id: Some(person),
                started_on: since.to_owned(),
                ..Default::default()
            }
            .parse()?,
        )
        .await
        .map_err(|e| anyhow::anyhow!("appointing: {e}"))?;
    Ok(h.id)
}

/// The posts of a grid by kind: post kind → post id.
async fn posts_of(store: &Store, grid: i64) -> anyhow::Result<HashMap<String, i64>> {
    let detail = store
        .grid(&Actor::system(), grid, safegrid_domain::time::today())
        .await
        .map_err(|e| anyhow::anyhow!("reading grid {grid}: {e}"))?;
    Ok(detail
        .posts
        .into_iter()
        .map(|p| (p.post.kind.as_str().to_owned(), p.post.id))
        .collect())
}

async fn region(
    store: &Store,
    code: &str,
    parent: Option<&str>,
    name: &str,
    kind: &str,
    order: i32,
) -> anyhow::Result<()> {
    store
        .create_region(
            &Actor::system(),
            RegionInput {
                code: code.to_owned(),
                parent_code: parent.map(str::to_owned),
                name: name.to_owned(),
                kind: kind.to_owned(),
                sort_order: order,
            }
            .parse()?,
        )
        .await
        .map_err(|e| anyhow::anyhow!("adding division {code}: {e}"))?;
    Ok(())
}

/// Every grid id of a kind in a division subtree.
async fn grids_of(
    store: &Store,
    region: &str,
    kind: &str,
    department: Option<i64>,
) -> anyhow::Result<Vec<(i64, String)>> {
    let filter = GridFilter {
        region: Some(region.to_owned()),
        kind: Some(kind.to_owned()),
        department,
        ..Default::default()
    };
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let p = store
            .grids(
                &Actor::system(),
                &filter,
                PageRequest::new(Some(page), Some(PageRequest::MAX_PER_PAGE)),
            )
            .await
            .map_err(|e| anyhow::anyhow!("listing grids: {e}"))?;
        out.extend(
            p.items
                .iter()
                .map(|g| (g.grid.id, g.grid.region_code.clone())),
        );
        if page >= p.pages() {
            break;
        }
        page += 1;
    }
    Ok(out)
}

/// Builds the demo county. `password_hash` is shared by all demo accounts.
pub async fn seed(store: &Store, size: DemoSize, password_hash: &str) -> anyhow::Result<()> {
    let mut people = People {
        rng: StdRng::seed_from_u64(610_921),
    };
    region(store, PROVINCE, None, "陕西省", "province", 0).await?;
    region(store, CITY, Some(PROVINCE), "安康市", "city", 0).await?;
    region(store, COUNTY, Some(CITY), "汉阴县", "county", 0).await?;

    // Departments first, so every town gets their grids as it is added.
    let mut departments: Vec<(i64, &str)> = Vec::new();
    for (i, (name, short, sectors, office)) in DEPARTMENTS.iter().take(size.departments).enumerate()
    {
        let d = store
            .create_department(
                &Actor::system(),
                DepartmentInput {
                    county_code: COUNTY.to_owned(),
                    name: (*name).to_owned(),
                    short_name: (*short).to_owned(),
                    is_committee_office: *office,
                    sectors: sectors.iter().map(|s| (*s).to_owned()).collect(),
                    sort_order: i32::try_from(i).unwrap_or(0),
                }
                .parse()?,
            )
            .await
            .map_err(|e| anyhow::anyhow!("adding department {name}: {e}"))?;
        departments.push((d.id, short));
    }

    let mut names = VILLAGE_NAMES.iter().cycle();
    for (t, (town_code, town_name)) in TOWNS.iter().enumerate() {
        region(
            store,
            town_code,
            Some(COUNTY),
            town_name,
            "town",
            i32::try_from(t).unwrap_or(0),
        )
        .await?;
        let prefix = &town_code[..9];
        let villages = size.villages_per_town[t % size.villages_per_town.len()];
        let communities = if t == 0 { 2.min(villages) } else { 0 };
        for v in 0..villages {
            let (code, name, kind) = if v < communities {
                (
                    format!("{prefix}{:03}", v + 1),
                    format!("{}社区", COMMUNITY_NAMES[v % COMMUNITY_NAMES.len()]),
                    "community",
                )
            } else {
                (
                    format!("{prefix}{:03}", 200 + v),
                    format!("{}村", names.next().copied().unwrap_or("新")),
                    "village",
                )
            };
            region(
                store,
                &code,
                Some(town_code),
                &name,
                kind,
                i32::try_from(v).unwrap_or(0),
            )
            .await?;
        }
    }

    progress("grids, posts and people");
    staff_county(store, &mut people, &departments).await?;
    for (id, short) in &departments {
        staff_department(store, &mut people, *id, short).await?;
    }
    for (town_code, _) in &TOWNS {
        staff_town(store, &mut people, town_code).await?;
    }

    progress("units");
    let own_unit = crate::demo_units::seed_units(store, size, &departments).await?;
    // The census stands for one taken more than a year ago, so the year of history is owed.
    store
        .date_census_back(
            &Actor::system(),
            chrono::Utc::now() - chrono::Duration::days(400),
        )
        .await?;
    crate::demo_records::seed_records(store, own_unit).await?;
    if size.units_per_village > 0 {
        progress("a year of hidden hazards");
        crate::demo_hazards::seed_hazards(store).await?;
        progress("a year of inspections and enforcement documents");
        crate::demo_inspections::seed_inspections(store).await?;
        progress("a year of units checking themselves");
        crate::demo_checks::seed_checks(store, own_unit).await?;
    }

    // Accounts.
    for (username, display, role, scope) in ACCOUNTS {
        let mut account = AccountInput {
            username: (*username).to_owned(),
            display_name: (*display).to_owned(),
            role: (*role).to_owned(),
            ..Default::default()
        };
        match scope {
            DemoScope::County => account.scope_region_code = Some(COUNTY.to_owned()),
            DemoScope::Town(code) => account.scope_region_code = Some((*code).to_owned()),
            DemoScope::FirstVillageOf(town) => {
                let first = store
                    .region_children(&Actor::system(), Some(town))
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?
                    .into_iter()
                    .find(|r| r.kind == "village")
                    .context("the demo town has no village")?;
                account.scope_region_code = Some(first.code);
            }
            DemoScope::Department(short) => {
                let Some((id, _)) = departments.iter().find(|(_, s)| s == short) else {
                    continue;
                };
                account.scope_department_id = Some(*id);
                account.county_code = Some(COUNTY.to_owned());
            }
            DemoScope::OwnUnit => {
                account.scope_unit_id = Some(own_unit);
                account.county_code = Some(COUNTY.to_owned());
            }
            DemoScope::Administration => {}
        }
        store
            .create_account(&Actor::system(), account.parse(false)?, password_hash)
            .await
            .map_err(|e| anyhow::anyhow!("account {username}: {e}"))?;
    }
    if size.units_per_village > 0 {
        progress("statistics reports, grid plans and a grid member's reports");
        crate::demo_reports::seed_statistics_reports(store).await?;
        crate::demo_reports::seed_grid_plans(store, &departments).await?;
        crate::demo_reports::seed_member_reports(store).await?;
        progress("a year's accidents and their reports up the chain");
        crate::demo_accidents::seed_accidents(store).await?;
    }
    Ok(())
}

/// The county administration acting, for what only the county files.
pub(crate) fn county_admin() -> anyhow::Result<Actor> {
    Ok(Actor {
        role: safegrid_domain::access::Role::CountyAdmin,
        scope: safegrid_domain::access::Scope::Region {
            root: safegrid_domain::region::RegionCode::parse("county", COUNTY)
                .map_err(|e| anyhow::anyhow!("{e:?}"))?,
        },
        ..Actor::system()
    })
}

/// Says what the demo load is doing, so a load of several seconds does not look hung.
fn progress(step: &str) {
    println!("  demo county: {step}…");
}

async fn staff_county(
    store: &Store,
    people: &mut People,
    departments: &[(i64, &str)],
) -> anyhow::Result<()> {
    let head = people.register(store, COUNTY, None, "县长").await?;
    let deputies = [
        (
            people.register(store, COUNTY, None, "常务副县长").await?,
            "县委常委、常务副县长",
            "县安委会副主任",
        ),
        (
            people.register(store, COUNTY, None, "副县长").await?,
            "副县长",
            "县安委会副主任",
        ),
        (
            people.register(store, COUNTY, None, "副县长").await?,
            "副县长",
            "县安委会副主任",
        ),
    ];
    let (county_grid, _) = grids_of(store, COUNTY, "county", None)
        .await?
        .into_iter()
        .next()
        .context("county grid")?;
    let posts = posts_of(store, county_grid).await?;
    if let Some(&p) = posts.get("first_responsible") {
        appoint(store, p, head, "2023-01-01").await?;
    }
    let actor = Actor::system();
    store
        .add_leadership_member(
            &actor,
            LeadershipMemberInput {
                county_code: COUNTY.to_owned(),
                person_id: head,
                group_role: "leader".into(),
                government_post: "县政府县长".into(),
                committee_post: Some("县安委会主任".into()),
                portfolio: Vec::new(),
                sort_order: 0,
            }
            .parse()?,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // Each deputy head answers for a share of the departments (一岗双责).
    let share = departments.len().div_ceil(deputies.len()).max(1);
    for (i, (person, post, committee)) in deputies.iter().enumerate() {
        if let Some(&p) = posts.get("leader_in_charge") {
            appoint(store, p, *person, "2023-01-01").await?;
        }
        let portfolio = departments
            .iter()
            .skip(i * share)
            .take(share)
            .map(|d| d.0)
            .collect();
        store
            .add_leadership_member(
                &actor,
                LeadershipMemberInput {
                    county_code: COUNTY.to_owned(),
                    person_id: *person,
                    group_role: "deputy".into(),
                    government_post: (*post).into(),
                    committee_post: Some((*committee).into()),
                    portfolio,
                    sort_order: i32::try_from(i + 1).unwrap_or(0),
                }
                .parse()?,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    if let Some((office_department, _)) = departments.first() {
        let director = people
            .register(store, COUNTY, Some(*office_department), "局长")
            .await?;
        store
            .add_leadership_member(
                &actor,
                LeadershipMemberInput {
                    county_code: COUNTY.to_owned(),
                    person_id: director,
                    group_role: "deputy".into(),
                    government_post: "县安监局局长".into(),
                    committee_post: Some("县安委会副主任、领导小组办公室主任".into()),
                    portfolio: Vec::new(),
                    sort_order: 9,
                }
                .parse()?,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        store
            .set_leadership_office(
                &actor,
                NewOffice {
                    department_id: *office_department,
                    director_person_id: Some(director),
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(())
}

/// A department's grids: its deputy heads lead them, its staff supervise two each, with a
/// couple of deliberate gaps.
async fn staff_department(
    store: &Store,
    people: &mut People,
    department: i64,
    short: &str,
) -> anyhow::Result<()> {
    let leaders = [
        people
            .register(store, COUNTY, Some(department), "副局长")
            .await?,
        people
            .register(store, COUNTY, Some(department), "副局长")
            .await?,
    ];
    let mut staff = Vec::new();
    for _ in 0..8 {
        staff.push(
            people
                .register(store, COUNTY, Some(department), "股长")
                .await?,
        );
    }
    let grids = grids_of(store, COUNTY, "department_town", Some(department)).await?;
    for (i, (grid, town)) in grids.iter().enumerate() {
        let posts = posts_of(store, *grid).await?;
        // Deliberate gaps: the water bureau has no leader for 观音河镇, transport only one
        // supervisor for 双河口镇.
        let no_leader = short == "县水利局" && town == "610921109000";
        let one_supervisor = short == "县交通局" && town == "610921108000";
        if !no_leader && let Some(&p) = posts.get("leader_in_charge") {
            appoint(store, p, leaders[i % 2], "2024-03-01").await?;
        }
        if let Some(&p) = posts.get("supervisor") {
            appoint(store, p, staff[(2 * i) % staff.len()], "2024-03-01").await?;
            if !one_supervisor {
                appoint(store, p, staff[(2 * i + 1) % staff.len()], "2024-03-01").await?;
            }
        }
    }
    Ok(())
}

/// A town: its government grid, a responsibility zone per village and the village grids.
async fn staff_town(store: &Store, people: &mut People, town: &str) -> anyhow::Result<()> {
    let head = people.register(store, town, None, "镇长").await?;
    let deputy = people.register(store, town, None, "副镇长").await?;
    let chief = people.register(store, town, None, "安监站站长").await?;
    let mut station = Vec::new();
    for _ in 0..3 {
        station.push(people.register(store, town, None, "安监站干部").await?);
    }
    let (town_grid, _) = grids_of(store, town, "town", None)
        .await?
        .into_iter()
        .next()
        .context("town grid")?;
    let posts = posts_of(store, town_grid).await?;
    for (kind, person) in [
        ("first_responsible", head),
        ("leader_in_charge", deputy),
        ("station_head", chief),
    ] {
        if let Some(&p) = posts.get(kind) {
            appoint(store, p, person, "2023-06-01").await?;
        }
    }
    let zones = grids_of(store, town, "town_zone", None).await?;
    for (i, (zone, _)) in zones.iter().enumerate() {
        let posts = posts_of(store, *zone).await?;
        let inspector = people.register(store, town, None, "安全检查员").await?;
        if let Some(&p) = posts.get("leader_in_charge") {
            appoint(store, p, deputy, "2023-06-01").await?;
        }
        if let Some(&p) = posts.get("station_chief") {
            let first = station[i % station.len()];
            let holding = appoint(store, p, first, "2023-06-01").await?;
            // 城关镇's first zone changed its station chief: the history shows both.
            if town == TOWNS[0].0 && i == 0 {
                let successor = people.register(store, town, None, "安监站干部").await?;
                store
                    .replace_holder(
                        &Actor::system(),
                        holding,
                        ReplacementInput {
                            person_id: Some(successor),
                            on: "2025-03-01".into(),
                            ..Default::default()
                        }
                        .parse()?,
                    )
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            }
        }
        // A deliberate gap: 漩涡镇's second zone has no safety inspector.
        let gap = town == "610921106000" && i == 1;
        if !gap && let Some(&p) = posts.get("safety_inspector") {
            appoint(store, p, inspector, "2023-06-01").await?;
        }
    }
    let villages = grids_of(store, town, "village", None).await?;
    for (i, (grid, village)) in villages.iter().enumerate() {
        let posts = posts_of(store, *grid).await?;
        let grid_head = people.register(store, village, None, "村委会主任").await?;
        if let Some(&p) = posts.get("grid_head") {
            appoint(store, p, grid_head, "2023-06-01").await?;
        }
        // A deliberate gap: 涧池镇's first village has named no grid member yet.
        let gap = town == "610921101000" && i == 0;
        if !gap && let Some(&p) = posts.get("grid_member") {
            for _ in 0..(1 + i % 2) {
                let member = people.register(store, village, None, "网格员").await?;
                appoint(store, p, member, "2023-06-01").await?;
            }
        }
    }
    Ok(())
}
