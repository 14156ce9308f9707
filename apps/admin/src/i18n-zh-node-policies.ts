/** 简体中文 for the node policy strings (docs/contract.md §13): the node form's routing policies. */
export const ZH_NODE_POLICIES: Record<string, string> = {
  'Add header': '添加请求头',
  'Add mapping': '添加映射',
  'Add rule': '添加规则',
  'Body contains': '响应体包含',
  'Cooldown (seconds)': '冷却（秒）',
  'Error rules are matched in order (first match wins) before the built-in rules.':
    '错误规则按顺序匹配（先匹配者生效），优先于内置规则。',
  'Every extra header needs a name.': '每个附加请求头都需要名称。',
  'Every model map row needs both models.': '每行模型映射都需要填写两个模型。',
  'Extra header {name} needs a value.': '附加请求头 {name} 需要值。',
  'Extra headers are sent with every call to the node; their values are secrets.':
    '附加请求头随每次调用发送给该节点；其值属于机密。',
  'Header name': '请求头名称',
  'Header value': '请求头值',
  'Model map: rewrite a requested model for this node only.':
    '模型映射：仅对该节点改写请求的模型。',
  'Models this node serves (one per line, * at the end matches any suffix; empty: all)':
    '该节点服务的模型（每行一个，末尾的 * 匹配任意后缀；留空：全部）',
  'No failover (a request that fails here is not retried elsewhere)':
    '不故障转移（在此失败的请求不会在其他节点重试）',
  Remove: '移除',
  'Requested model': '请求的模型',
  'Routing policies': '路由策略',
  'Rule {n}: cooldown must be a whole number of seconds.': '规则 {n}：冷却时间必须是整数秒。',
  'Rule {n}: status must be 100 to 599, 4xx or 5xx.':
    '规则 {n}：状态码必须是 100 到 599、4xx 或 5xx。',
  'Send the key as': '密钥发送方式',
  'Sticky TTL must be a whole number of seconds.': '粘性会话 TTL 必须是整数秒。',
  'Sticky session TTL in seconds (empty: the account’s)': '粘性会话 TTL（秒，留空：使用账户设置）',
  'Strip tool fields (for strict relays)': '精简工具字段（用于严格的中转）',
  'Upstream model': '上游模型',
  'any, 429, 5xx': '任意、429、5xx',
  'body contains (optional)': '响应体包含（可选）',
  both: '两者都发',
  '{masked} (blank keeps it)': '{masked}（留空则保留）',
}
