// Chinese text of the overview's station map (issue #19).
import type { mapEn } from "./en.ts";

export const mapZh: Record<keyof typeof mapEn, string> = {
  "overview.views": "站点显示方式",
  "overview.viewList": "列表",
  "overview.viewMap": "地图",
  "map.intro": "每个站点位于其所在河流上，以图标和颜色标示状态，并显示所选物质的最新数值。选择站点即可打开。",
  "map.compound": "显示的数值",
  "map.region": "{region}地图",
  "map.station": "{name}：{status}；{parameter}：{value}",
  "map.statusUnknown": "状态尚未加载",
  "map.noValue": "无数值",
  "map.legend": "状态",
  "map.table": "{region}的站点",
  "map.colStation": "站点",
  "map.colRiver": "河流",
  "map.colStatus": "状态",
  "map.colValue": "最新数值",
  "map.source": "国家区域、边界与河流：Natural Earth（公有领域）；乔保河与弗赖贝格穆尔德河：经过有据可查的沿岸地点的连线。无需网络连接即可绘制。",
  "map.noOutline": "此区域没有内置轮廓地图：仅显示站点。",
};
