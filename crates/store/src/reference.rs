//! Reference data every county starts with and may tune: the key sectors (R-LED-3). The list
//! is data: counties add or rename sectors in the table, not in code.

use crate::db::Store;
use crate::insert;
use crate::{Result, Sector};
use sea_query::{OnConflict, Order, Query};

/// The default key sectors (regulations.md §6): code, Chinese name, English name, high-risk.
pub const DEFAULT_SECTORS: &[(&str, &str, &str, bool)] = &[
    ("non_coal_mine", "非煤矿山", "Non-coal mines", true),
    (
        "hazardous_chemicals",
        "危险化学品",
        "Hazardous chemicals",
        true,
    ),
    ("fireworks", "烟花爆竹", "Fireworks", true),
    (
        "metal_smelting",
        "冶金",
        "Metallurgy and metal smelting",
        true,
    ),
    ("machinery", "机械制造", "Machinery manufacturing", false),
    ("industry_trade", "工贸行业", "Industry and trade", false),
    ("construction", "建筑施工", "Construction", false),
    (
        "road_transport",
        "道路运输",
        "Road passenger and freight transport",
        false,
    ),
    (
        "fire_safety",
        "消防和人员密集场所",
        "Fire safety and crowded places",
        false,
    ),
    ("town_gas", "城镇燃气", "Town gas", false),
    ("special_equipment", "特种设备", "Special equipment", false),
    ("tourism", "旅游", "Tourism", false),
    ("education", "学校", "Schools", false),
    ("agriculture", "农业机械", "Agricultural machinery", false),
    ("water", "水利", "Water conservancy", false),
    ("power", "电力", "Electric power", false),
    ("forestry", "林业", "Forestry", false),
    ("food_drug", "食品药品", "Food and drugs", false),
];

impl Store {
    /// Adds the default sectors that are missing; existing rows (perhaps renamed) are kept.
    pub async fn ensure_reference_data(&self) -> Result<()> {
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        for (i, (code, zh, en, high)) in DEFAULT_SECTORS.iter().enumerate() {
            conn.insert(
                insert::row(
                    "sectors",
                    [
                        ("code", (*code).into()),
                        ("name_zh", (*zh).into()),
                        ("name_en", (*en).into()),
                        ("is_key", true.into()),
                        ("is_high_risk", (*high).into()),
                        ("sort_order", i32::try_from(i).unwrap_or(0).into()),
                    ],
                )
                .on_conflict(OnConflict::column("code").do_nothing().to_owned()),
            )
            .await?;
        }
        tx.commit_unaudited("the standards' reference tables, loaded at start")
            .await
    }

    pub async fn sectors(&self) -> Result<Vec<Sector>> {
        let mut c = self.read().await?;
        c.conn()
            .all(
                Query::select()
                    .columns(["code", "name_zh", "name_en", "is_key", "is_high_risk"])
                    .from("sectors")
                    .order_by("sort_order", Order::Asc),
            )
            .await
    }
}
