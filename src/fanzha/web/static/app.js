// Send the CSRF token with every HTMX request; ask for a purpose before unmasking personal data.
document.addEventListener("htmx:configRequest", function (evt) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { evt.detail.headers["X-CSRF-Token"] = meta.content; }
});
// Unmask: the purpose is asked in a dialog, sent with the request and written to the audit trail.
function fanzhaPurpose(dialog) {
  var kind = dialog.querySelector("[name=purpose_kind]").value, note = dialog.querySelector("[name=purpose_note]").value.trim();
  if (!kind) { return [null, "请选择用途"]; }
  if (kind === "other") { return note.length >= 4 ? [note, null] : [null, "选择“其他”时请说明用途，至少 4 个字"]; }
  return [note ? kind + "：" + note : kind, null];
}
document.addEventListener("click", function (evt) {
  var btn = evt.target.closest("[data-unmask]");
  if (!btn) { return; }
  evt.preventDefault();
  var dialog = document.getElementById("unmask-dialog"), error = document.getElementById("unmask-error");
  dialog.querySelector("form").reset(); error.textContent = "";
  dialog.querySelector("form").oninput = function () { error.textContent = ""; };
  dialog.onclose = null;
  document.getElementById("unmask-ok").onclick = function (e) {
    var res = fanzhaPurpose(dialog);
    if (res[1]) { e.preventDefault(); error.textContent = res[1]; return; }
    dialog.onclose = function () {
      if (dialog.returnValue !== "ok") { return; }
      var meta = document.querySelector('meta[name="csrf-token"]');
      fetch(btn.dataset.unmask, {method: "POST", headers: {"Content-Type": "application/json", "X-CSRF-Token": meta ? meta.content : ""},
        body: JSON.stringify({purpose: res[0], fields: (btn.dataset.fields || "name,phone").split(",")})})
        .then(function (r) { return r.json().then(function (b) { return [r.ok, b]; }); })
        .then(function (out) {
          if (!out[0]) { alert(out[1].error ? out[1].error.message_zh : "操作失败"); return; }
          var target = document.getElementById(btn.dataset.target);
          if (target) { target.textContent = Object.values(out[1].values).filter(Boolean).join(" "); target.classList.add("unmasked"); }
          btn.remove();
        });
    };
  };
  dialog.showModal();
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
