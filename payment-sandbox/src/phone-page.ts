/**
 * The sandbox's web page, "the phone": the tester sees open QR orders and payment-code requests
 * and decides what the customer does, and drives the card terminal. It only calls the control API
 * (`/sandbox/...`), so everything it does a test can do too. Self-contained: no external assets.
 */
export const PHONE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Marquee payment sandbox</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0; background: #f4f4f6; color: #1b1b1f; }
  header { background: #1b1b1f; color: #fff; padding: 12px 20px; }
  header small { color: #b8b8c4; }
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 16px; padding: 16px; }
  section { background: #fff; border-radius: 10px; padding: 12px 16px; box-shadow: 0 1px 3px #0002; }
  h2 { font-size: 16px; margin: 4px 0 10px; }
  .item { border-top: 1px solid #e4e4ea; padding: 8px 0; }
  .muted { color: #6b6b78; font-size: 13px; }
  .state { font-weight: 600; }
  button { margin: 3px 4px 3px 0; padding: 5px 9px; border-radius: 6px; border: 1px solid #c8c8d2; background: #fafafc; cursor: pointer; }
  button.go { background: #0a7d38; color: #fff; border-color: #0a7d38; }
  button.no { background: #b3261e; color: #fff; border-color: #b3261e; }
  select, input { padding: 4px; }
  #error { color: #b3261e; padding: 0 20px; }
  code { font-size: 12px; }
</style>
</head>
<body>
<header><b>Marquee payment sandbox</b> <small>the customer's phone and the card terminal &middot; platform key <code id="serial"></code></small></header>
<div id="error" role="alert"></div>
<main>
  <section><h2>QR orders (the customer scans the till's code)</h2><div id="native"></div></section>
  <section><h2>Payment codes (the cashier scans the customer's code)</h2>
    <div>New payment code that, when scanned,
      <select id="codeBehaviour"><option value="password">asks for the password (USERPAYING)</option>
      <option value="pay">pays at once</option><option value="decline">is declined</option></select>
      <button id="newCode">show code</button> <b id="code"></b></div>
    <div id="micropay"></div></section>
  <section><h2>Refunds</h2><div id="refunds"></div></section>
  <section><h2>Card terminal</h2><div id="terminal"></div></section>
  <section><h2>Callbacks</h2><div id="deliveries"></div></section>
</main>
<script>
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const money = (minor, currency) => (minor / 100).toFixed(2) + ' ' + currency;
async function call(method, path, body) {
  const res = await fetch('/sandbox' + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json().catch(() => ({}));
  $('error').textContent = res.ok ? '' : (json.error?.message ?? 'HTTP ' + res.status);
  refresh();
  return json;
}
const button = (label, cls, onclick) => '<button class="' + cls + '" data-act="' + esc(onclick) + '">' + esc(label) + '</button>';
document.addEventListener('click', (e) => {
  const act = e.target.closest('button')?.dataset.act;
  if (act) { const [method, path, body] = JSON.parse(act); call(method, path, body); }
});
const act = (method, path, body) => JSON.stringify([method, path, body]);
$('newCode').onclick = async () => { const r = await call('POST', '/payment-codes', { behaviour: $('codeBehaviour').value }); $('code').textContent = r.auth_code ?? ''; };

function orderItem(o, actions) {
  return '<div class="item"><span class="state">' + esc(o.trade_state) + '</span> ' + esc(o.description) + ' &middot; ' + money(o.total, o.currency) +
    '<div class="muted">' + esc(o.out_trade_no) + ' &middot; merchant ' + esc(o.mchid) + (o.last_attempt ? ' &middot; last attempt ' + esc(o.last_attempt) : '') + '</div>' + actions + '</div>';
}
function render(s) {
  $('serial').textContent = s.platform.serial_no;
  const base = (o) => '/orders/' + encodeURIComponent(o.mchid) + '/' + encodeURIComponent(o.out_trade_no);
  $('native').innerHTML = s.orders.filter((o) => o.trade_type === 'NATIVE').slice(0, 20).map((o) => orderItem(o,
    o.trade_state === 'NOTPAY' ? button('approve', 'go', act('POST', base(o) + '/pay', {})) + button('decline', 'no', act('POST', base(o) + '/decline', {})) +
      button('pay twice', '', act('POST', base(o) + '/pay-twice', {})) + button('pay, drop callback', '', act('POST', base(o) + '/pay', { callback: 'drop' })) +
      button('pay, callback in 30 s', '', act('POST', base(o) + '/pay', { callback: 'delay', delayMs: 30000 }))
    : (o.trade_state === 'SUCCESS' || o.trade_state === 'REFUND') ? button('resend callback', '', act('POST', base(o) + '/resend', { times: 1 })) + button('pay again', '', act('POST', base(o) + '/pay-twice', {})) : '')).join('') || '<div class="muted">none yet</div>';
  $('micropay').innerHTML = s.orders.filter((o) => o.trade_type === 'MICROPAY').slice(0, 20).map((o) => orderItem(o,
    o.trade_state === 'USERPAYING' ? button('enter password (pay)', 'go', act('POST', base(o) + '/pay', {})) + button('decline', 'no', act('POST', base(o) + '/decline', {})) + '<span class="muted"> or leave it waiting</span>' : '')).join('') || '<div class="muted">none yet</div>';
  $('refunds').innerHTML = s.refunds.slice(0, 20).map((r) => '<div class="item"><span class="state">' + esc(r.status) + '</span> ' + money(r.amount, r.currency) + ' of ' + esc(r.out_trade_no) +
    '<div class="muted">' + esc(r.out_refund_no) + '</div>' + (r.status === 'PROCESSING' ? button('succeed now', 'go', act('POST', '/refunds/' + r.mchid + '/' + encodeURIComponent(r.out_refund_no) + '/complete', { status: 'SUCCESS' })) +
    button('abnormal', 'no', act('POST', '/refunds/' + r.mchid + '/' + encodeURIComponent(r.out_refund_no) + '/complete', { status: 'ABNORMAL' })) : '') + '</div>').join('') || '<div class="muted">none yet</div>';
  const t = s.terminal;
  if (!t) { $('terminal').innerHTML = '<div class="muted">not running</div>'; } else {
    const b = t.behaviour;
    const behaviour = (label, value) => button(label, (b.outcome === value.outcome && b.delayMs === value.delayMs && b.silent === value.silent) ? 'go' : '', act('PUT', '/terminal/behaviour', value));
    $('terminal').innerHTML = '<div>line: <b>' + (t.connected ? (t.silent ? 'silent (cable pulled)' : 'connected') : 'closed') + '</b> ' +
      (t.silent ? button('reconnect', 'go', act('PUT', '/terminal/line', { silent: false })) : button('pull the cable', 'no', act('PUT', '/terminal/line', { silent: true }))) + '</div>' +
      '<div class="muted">next transactions:</div>' + behaviour('ask me', { outcome: 'manual', delayMs: 0, silent: false }) + behaviour('approve', { outcome: 'approve', delayMs: 0, silent: false }) +
      behaviour('decline', { outcome: 'decline', delayMs: 0, silent: false }) + behaviour('customer cancels', { outcome: 'cancel', delayMs: 0, silent: false }) +
      behaviour('take 30 s, approve', { outcome: 'approve', delayMs: 30000, silent: false }) + behaviour('go silent mid-sale, approve', { outcome: 'approve', delayMs: 2000, silent: true }) +
      (t.current ? '<div class="item"><span class="state">IN PROGRESS</span> ' + esc(t.current.op) + ' ' + money(t.current.amount, t.current.currency) + ' <span class="muted">' + esc(t.current.txn_id) + '</span><br>' +
        button('approve', 'go', act('POST', '/terminal/act', { action: 'approve' })) + button('decline', 'no', act('POST', '/terminal/act', { action: 'decline' })) +
        button('customer cancels', '', act('POST', '/terminal/act', { action: 'cancel' })) + button('no card (timeout)', '', act('POST', '/terminal/act', { action: 'timeout' })) + '</div>' : '') +
      t.transactions.slice(0, 10).map((x) => '<div class="item"><span class="state">' + esc(x.state) + '</span> ' + esc(x.op) + ' ' + money(x.amount, x.currency) + (x.voided ? ' (voided)' : '') + ' <span class="muted">' + esc(x.txn_id) + ' ' + esc(x.message) + '</span></div>').join('');
  }
  $('deliveries').innerHTML = s.deliveries.slice(0, 30).map((d) => '<div class="item"><span class="state">' + (d.dropped ? 'dropped' : esc(d.state)) + '</span> ' + esc(d.event_type) + ' for ' + esc(d.subject) +
    '<div class="muted">' + (d.dropped ? 'provider completed, no callback sent' : esc(d.url) + ' &middot; ' + d.attempts + ' attempt(s)' + (d.last_result ? ' &middot; ' + esc(d.last_result) : '')) + '</div></div>').join('') || '<div class="muted">none yet</div>';
}
async function refresh() {
  try { render(await (await fetch('/sandbox/state')).json()); } catch (e) { $('error').textContent = 'sandbox not reachable'; }
}
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
`;
