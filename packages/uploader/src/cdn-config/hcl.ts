/**
 * Render a JSON-like value as Terraform HCL in the nested-block style of the Cloudflare provider 4.x
 * (`rules { action_parameters { … } }`): objects become blocks, arrays of objects repeated blocks.
 */
export function hclBody(value: Record<string, unknown>, indent = '  '): string {
  const lines: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (Array.isArray(v) && v.every(isObject)) {
      for (const item of v) lines.push(`${indent}${key} {`, hclBody(item, `${indent}  `), `${indent}}`);
    } else if (isObject(v)) {
      lines.push(`${indent}${key} {`, hclBody(v, `${indent}  `), `${indent}}`);
    } else {
      lines.push(`${indent}${key} = ${hclScalar(v)}`);
    }
  }
  return lines.join('\n');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hclScalar(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(hclScalar).join(', ')}]`;
  // JSON string escapes are HCL's; `${` and `%{` start templates in HCL and are doubled to stay literal.
  if (typeof v === 'string') return JSON.stringify(v).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
  return String(v);
}
