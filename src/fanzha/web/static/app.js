// Send the CSRF token with every HTMX request; ask for a purpose before unmasking personal data.
document.addEventListener("htmx:configRequest", function (evt) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { evt.detail.headers["X-CSRF-Token"] = meta.content; }
});
document.addEventListener("click", function (evt) {
  var btn = evt.target.closest("[data-unmask]");
  if (!btn) { return; }
  evt.preventDefault();
  var purpose = window.prompt("查看明文信息将被记录审计，请填写用途（如：电话劝阻）：");
  if (!purpose || purpose.trim().length < 4) { if (purpose !== null) { alert("用途至少 4 个字"); } return; }
  var meta = document.querySelector('meta[name="csrf-token"]');
  fetch(btn.dataset.unmask, {method: "POST", headers: {"Content-Type": "application/json", "X-CSRF-Token": meta ? meta.content : ""},
    body: JSON.stringify({purpose: purpose.trim(), fields: (btn.dataset.fields || "name,phone").split(",")})})
    .then(function (r) { return r.json().then(function (b) { return [r.ok, b]; }); })
    .then(function (res) {
      if (!res[0]) { alert(res[1].error ? res[1].error.message_zh : "操作失败"); return; }
      var target = document.getElementById(btn.dataset.target);
      if (target) { target.textContent = Object.values(res[1].values).filter(Boolean).join(" "); }
      btn.remove();
    });
});
// SLA countdowns: the server renders the first text; keep it current without reloading the page.
function fanzhaCountdowns() {
  var now = Date.now();
  document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
    var secs = Math.round((Date.parse(el.dataset.due) - now) / 1000), m = Math.floor(Math.abs(secs) / 60), span;
    if (m >= 2880) { span = Math.floor(m / 1440) + " 天"; }
    else if (m >= 60) { span = Math.floor(m / 60) + " 小时" + (m % 60 ? " " + (m % 60) + " 分" : ""); }
    else { span = Math.max(m, 1) + " 分钟"; }
    el.textContent = (secs < 0 ? "超时 " : "剩 ") + span;
    el.classList.toggle("overdue", secs < 0);
    el.classList.toggle("soon", secs >= 0 && secs < 600);
  });
}
document.addEventListener("DOMContentLoaded", fanzhaCountdowns);
document.addEventListener("htmx:afterSwap", fanzhaCountdowns);
setInterval(fanzhaCountdowns, 30000);
