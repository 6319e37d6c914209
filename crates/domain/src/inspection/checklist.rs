//! Inspection checklists (检查表) per sector: the items an inspector walks through, each with
//! its legal basis. These are the defaults every county starts from; a county keeps its own
//! version of any sector's list as data (its settings), and the phone page walks whichever
//! applies: the general items every unit is checked against, then its sector's.

use crate::invalid::{Invalid, Violation, optional_text, required_text};
use serde::{Deserialize, Serialize};

/// The most items one checklist holds.
pub const MAX_CHECKLIST_ITEMS: usize = 100;

/// The list of items every unit is checked against, whatever its sector.
pub const GENERAL: &str = "general";

/// One item of a checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChecklistItem {
    /// What to check.
    pub item: String,
    /// The rule it rests on.
    pub basis: Option<String>,
}

/// A checklist as a county sends it to replace a sector's list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = ChecklistRequest)]
pub struct ChecklistInput {
    #[serde(default)]
    pub items: Vec<ChecklistItemInput>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = ChecklistItemRequest)]
pub struct ChecklistItemInput {
    pub item: Option<String>,
    pub basis: Option<String>,
}

impl ChecklistInput {
    /// Checks a county's list: at least one item, each named, none twice.
    pub fn parse(&self) -> Result<Vec<ChecklistItem>, Invalid> {
        let mut e = Invalid::default();
        if self.items.is_empty() {
            e.push(Violation::new("items", "error.required"));
        }
        if self.items.len() > MAX_CHECKLIST_ITEMS {
            e.push(Violation::new("items", "error.too_many").with("max", MAX_CHECKLIST_ITEMS));
            return Err(e);
        }
        let mut out: Vec<ChecklistItem> = Vec::new();
        for (i, raw) in self.items.iter().enumerate() {
            let item = e.keep(required_text(
                &format!("items[{i}].item"),
                raw.item.as_deref().unwrap_or_default(),
                200,
            ));
            let basis = e
                .keep(optional_text(
                    &format!("items[{i}].basis"),
                    raw.basis.as_deref(),
                    200,
                ))
                .flatten();
            if let Some(item) = item {
                if out.iter().any(|o| o.item == item) {
                    e.push(Violation::new(
                        format!("items[{i}].item"),
                        "error.duplicate",
                    ));
                } else {
                    out.push(ChecklistItem { item, basis });
                }
            }
        }
        e.into_result().map(|()| out)
    }
}

fn list(items: &[(&str, &str)]) -> Vec<ChecklistItem> {
    items
        .iter()
        .map(|(item, basis)| ChecklistItem {
            item: (*item).to_owned(),
            basis: Some((*basis).to_owned()),
        })
        .collect()
}

/// The default checklist of a sector (or of [`GENERAL`]); empty for a sector without its own.
pub fn default_checklist(sector: &str) -> Vec<ChecklistItem> {
    match sector {
        GENERAL => list(&[
            (
                "安全生产责任制、规章制度和操作规程建立并落实",
                "《安全生产法》第二十一条",
            ),
            (
                "主要负责人、安全生产管理人员经考核合格",
                "《安全生产法》第二十七条",
            ),
            ("从业人员安全生产教育培训及记录", "《安全生产法》第二十八条"),
            ("特种作业人员持证上岗", "《安全生产法》第三十条"),
            (
                "事故隐患排查治理制度及台账，隐患按期整改",
                "《安全生产法》第四十一条",
            ),
            (
                "安全出口、疏散通道畅通，应急照明和疏散指示完好",
                "《消防法》第二十八条",
            ),
            ("消防器材配置齐全并在有效期内", "《消防法》第十六条"),
            ("电气线路规范敷设，配电箱（柜）完好、有防护", "GB 50054"),
            ("危险场所和设备设置安全警示标志", "《安全生产法》第三十五条"),
            ("劳动防护用品配备并正确佩戴", "《安全生产法》第四十五条"),
            ("生产安全事故应急预案及演练记录", "《安全生产法》第八十一条"),
        ]),
        "hazardous_chemicals" => list(&[
            (
                "危险化学品储存场所通风、防爆电气、防雷防静电设施完好",
                "GB 15603",
            ),
            ("可燃、有毒气体报警装置完好并定期检定", "GB/T 50493"),
            (
                "重大危险源监测监控和包保责任落实",
                "GB 18218；原国家安监总局令第40号",
            ),
            (
                "危险化学品出入库登记，剧毒品双人双锁",
                "《危险化学品安全管理条例》第二十四条",
            ),
            ("动火、受限空间等特殊作业票证管理", "GB 30871"),
        ]),
        "non_coal_mine" => list(&[
            (
                "采矿许可证、安全生产许可证在有效期内",
                "《非煤矿矿山企业安全生产许可证实施办法》",
            ),
            ("边坡、排土场稳定性监测", "GB 16423"),
            ("爆破器材储存、领用和清退管理", "GB 6722"),
            ("尾矿库排洪设施和坝体监测", "《尾矿库安全监督管理规定》"),
        ]),
        "fireworks" => list(&[
            ("仓库按核定药量限量储存，防雷设施检测合格", "GB 11652"),
            (
                "零售点专店、专柜、专人销售，不与居住场所相连",
                "《烟花爆竹经营许可实施办法》",
            ),
        ]),
        "metal_smelting" | "machinery" | "industry_trade" => list(&[
            (
                "粉尘涉爆场所除尘系统规范、定期清扫",
                "《工贸企业粉尘防爆安全规定》",
            ),
            (
                "有限空间作业审批、通风检测和监护",
                "《工贸企业有限空间作业安全规定》",
            ),
            ("机械设备传动部位防护罩完好", "GB/T 8196"),
            (
                "熔融金属作业区域防水防潮、吊运设备检验",
                "《冶金企业和有色金属企业安全生产规定》",
            ),
        ]),
        "construction" => list(&[
            ("脚手架搭设方案、验收和连墙件", "JGJ 130"),
            ("临边、洞口防护到位", "JGJ 80"),
            (
                "塔式起重机等起重机械检验、安装验收",
                "《建筑起重机械安全监督管理规定》",
            ),
            ("施工用电三级配电、两级漏电保护", "JGJ 46"),
            (
                "深基坑、高支模专项方案及论证",
                "《危险性较大的分部分项工程安全管理规定》",
            ),
        ]),
        "special_equipment" => list(&[
            ("特种设备使用登记和定期检验", "《特种设备安全法》第三十三条"),
            ("安全阀、压力表等安全附件校验", "TSG 21"),
            ("特种设备作业人员持证", "《特种设备安全法》第十四条"),
        ]),
        "town_gas" => list(&[
            ("燃气管道、调压设施巡检记录", "《城镇燃气管理条例》"),
            ("用气场所燃气报警器和紧急切断阀", "GB 50028"),
            ("液化石油气钢瓶存放和使用", "GB 50028"),
        ]),
        "fire_safety" => list(&[
            ("消防控制室持证人员二十四小时值班", "GB 25506"),
            ("自动消防设施运行正常并定期检测", "《消防法》第十六条"),
            (
                "人员密集场所外窗不设影响逃生的障碍物",
                "《消防法》第二十八条",
            ),
        ]),
        "road_transport" => list(&[
            (
                "营运车辆动态监控和超速、疲劳驾驶纠正",
                "《道路运输车辆动态监督管理办法》",
            ),
            ("驾驶员从业资格和安全教育", "《道路运输从业人员管理规定》"),
            (
                "车辆年检、二级维护和安全例检",
                "《道路运输车辆技术管理规定》",
            ),
        ]),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_sector_and_the_general_list_have_defaults() {
        assert!(default_checklist(GENERAL).len() >= 10);
        for sector in [
            "hazardous_chemicals",
            "non_coal_mine",
            "fireworks",
            "construction",
            "special_equipment",
            "town_gas",
            "fire_safety",
            "road_transport",
            "industry_trade",
        ] {
            assert!(!default_checklist(sector).is_empty(), "{sector}");
        }
        assert!(default_checklist("forestry").is_empty());
    }

    #[test]
    fn a_county_list_needs_named_distinct_items() {
        let item = |s: &str| ChecklistItemInput {
            item: Some(s.to_owned()),
            basis: None,
        };
        let ok = ChecklistInput {
            items: vec![item("灭火器"), item("疏散通道")],
        };
        assert_eq!(ok.parse().unwrap().len(), 2);
        let twice = ChecklistInput {
            items: vec![item("灭火器"), item("灭火器"), item(" ")],
        };
        let fields: Vec<String> = twice
            .parse()
            .unwrap_err()
            .0
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(fields, ["items[1].item", "items[2].item"]);
        assert_eq!(
            ChecklistInput::default().parse().unwrap_err().0[0].field,
            "items"
        );
    }
}
