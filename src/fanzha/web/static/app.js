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
