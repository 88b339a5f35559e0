/** The report page's style sheet: system fonts only, nothing fetched. */
export const PAGE_STYLE = `
:root { color-scheme: light; --red: #b3261e; --green: #1e7b34; --grey: #5f6368; --line: #dadce0; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #202124; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 8px; }
.meta { color: var(--grey); margin: 0 0 20px; }
.summary { display: flex; flex-wrap: wrap; gap: 12px; margin: 0; padding: 0; list-style: none; }
.summary li { border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 150px; }
.summary .figure { display: block; font-size: 26px; font-weight: 600; }
.summary .bad .figure { color: var(--red); }
.summary .good .figure { color: var(--green); }
.failures { border-left: 4px solid var(--red); background: #fdf3f2; padding: 8px 16px; margin: 16px 0 0; }
.failures li { margin: 2px 0; }
.note { color: var(--grey); margin: 4px 0; }
.heat-map { display: block; max-width: 100%; height: auto; margin-top: 8px; }
.heat-map text { font-size: 12px; fill: #202124; text-anchor: middle; }
.heat-map text.light { fill: #fff; }
.heat-map text.account { text-anchor: end; font-family: ui-monospace, Menlo, Consolas, monospace; }
.heat-map text.account.failed { fill: var(--red); }
.heat-map text.region { text-anchor: start; fill: var(--grey); }
.heat-map .cell { cursor: pointer; }
.legend { display: flex; gap: 16px; color: var(--grey); font-size: 12px; margin: 4px 0 0; padding: 0; list-style: none; }
.legend span { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -2px; margin-right: 4px; }
.legend .zero { background: #e6f4ea; } .legend .some { background: rgb(230,100,90); } .legend .none { background: #c4c4c4; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
thead th { background: #f8f9fa; }
#instances thead th { position: sticky; top: 0; z-index: 1; }
th button { font: inherit; font-weight: 600; border: 0; background: none; padding: 0; cursor: pointer; color: inherit; }
th[aria-sort=ascending] button::after { content: " ▲"; }
th[aria-sort=descending] button::after { content: " ▼"; }
#instances { table-layout: fixed; }
#instances col.account { width: 8.5em; } #instances col.region { width: 8em; } #instances col.instance { width: 11.5em; }
#instances col.name { width: 9em; } #instances col.state { width: 5em; } #instances col.owner { width: 12%; }
#instances col.result { width: 9.5em; } #instances col.fix { width: 22%; }
.sources td:nth-child(2) { white-space: nowrap; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
#instances td { font-size: 13px; }
#instances td:nth-child(1), #instances td:nth-child(3) { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
tr.non-compliant td.result { color: var(--red); font-weight: 600; }
.controls { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 8px 0; }
.controls input { font: inherit; padding: 5px 8px; min-width: 280px; border: 1px solid var(--line); border-radius: 6px; }
.controls select { font: inherit; padding: 4px 6px; }
#shown { color: var(--grey); }
.sources td:nth-child(3) { text-align: right; font-weight: 600; color: var(--red); }
`;
