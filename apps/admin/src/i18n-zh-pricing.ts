/** 简体中文 for the pricing page's default row and unpriced model ids (docs/contract.md §15). */
export const ZH_PRICING: Record<string, string> = {
  '* is the default row: it prices every id without a price of its own or of its family.':
    '* 为默认行：为没有自身定价、也没有同系列定价的模型 ID 计价。',
  'Every model id seen has a price.': '所有出现过的模型 ID 都有定价。',
  'Last seen': '最近出现',
  'Model ids requests named that have no price of their own. Keys with a cost limit are refused for ids priced by nothing.':
    '请求中出现、但没有自身定价的模型 ID。设有费用限额的密钥使用无任何定价的 ID 时会被拒绝。',
  'Priced by': '计价方式',
  'Seen without a price': '未定价的模型',
  default: '默认',
  'its family': '同系列模型',
  'nothing (cost 0)': '无（费用记为 0）',
  'the * row': '* 默认行',
}
