/**
 * The admin UI's one stylesheet: system fonts, WCAG AA contrast (text #111827 / #374151 on white,
 * links #1d4ed8), visible focus rings, and a single-column layout under 720 px for phones.
 */
export const STYLES = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;background:#f9fafb}
a{color:#1d4ed8}
:focus-visible{outline:3px solid #2563eb;outline-offset:2px}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px;z-index:10}
.top{display:flex;align-items:center;gap:16px;padding:10px 24px;background:#111827;color:#fff}
.top a.brand{color:#fff;font-weight:800;text-decoration:none;font-size:18px}
.top .crumb{color:#d1d5db}
.top .signout{margin:0 0 0 auto}
.top button.link{background:none;border:0;color:#fff;text-decoration:underline;cursor:pointer;font:inherit}
.tabs{display:flex;gap:4px;flex-wrap:wrap;padding:8px 24px 0;background:#fff;border-bottom:1px solid #e5e7eb}
.tabs a{padding:8px 12px;color:#374151;text-decoration:none;border-bottom:3px solid transparent}
.tabs a[aria-current=page]{color:#111827;border-bottom-color:#1d4ed8;font-weight:600}
main{max-width:1200px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:24px;margin:8px 0 16px}h2{font-size:18px;margin:24px 0 8px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:16px;margin:12px 0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px}
label{display:block;font-weight:600;margin:10px 0 4px}
input[type=text],input[type=password],input[type=url],input[type=number],input[type=search],select,textarea{width:100%;max-width:480px;padding:8px;border:1px solid #9ca3af;border-radius:6px;font:inherit;background:#fff;color:#111827}
input[type=color]{width:56px;height:36px;padding:2px;border:1px solid #9ca3af;border-radius:6px}
.hint{color:#4b5563;font-size:13px;margin:2px 0}
button,.button{display:inline-block;padding:8px 14px;border-radius:6px;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;font:inherit;font-weight:600;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:#1d4ed8}
button.danger{background:#b91c1c;border-color:#b91c1c}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top;overflow-wrap:break-word}
th{font-size:13px;color:#374151;background:#f3f4f6}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.notice{padding:10px 14px;border-radius:6px;margin:12px 0}
.notice.ok{background:#ecfdf5;border:1px solid #10b981}
.notice.error{background:#fef2f2;border:1px solid #ef4444}
.notice.info{background:#eff6ff;border:1px solid #3b82f6}
code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
textarea.code{white-space:pre-wrap;overflow-wrap:anywhere}
pre{background:#111827;color:#f9fafb;padding:12px;border-radius:6px;overflow:auto}
.thumb{width:56px;height:56px;object-fit:contain;background:#f3f4f6;border-radius:4px}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;background:#e5e7eb;color:#111827;font-size:12px}
.badge.ok{background:#d1fae5}.badge.warn{background:#fef3c7}
.dropzone{border:2px dashed #9ca3af;border-radius:8px;padding:32px;text-align:center;background:#fff}
.dropzone.over{border-color:#1d4ed8;background:#eff6ff}
progress{width:100%;height:18px}
svg.chart text{font:12px system-ui,sans-serif;fill:#374151}
.row{display:flex;gap:12px;flex-wrap:wrap;align-items:flex-end}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media (max-width:720px){main{padding:12px}.top{padding:10px 12px}.tabs{padding:6px 8px 0}th,td{padding:4px}}
`;
