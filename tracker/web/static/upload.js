// Drag and drop many returns at once; one XHR with upload progress; the server answers with the
// results table (HTML), shown under the drop zone. Without JavaScript the form posts as usual.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) return;
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("files");
  var box = document.getElementById("progress");
  var bar = document.getElementById("progress-bar");
  var text = document.getElementById("progress-text");
  var result = document.getElementById("upload-result");

  function send(files) {
    if (!files || !files.length) return;
    var data = new FormData(form);
    data.delete("files");
    for (var i = 0; i < files.length; i++) data.append("files", files[i], files[i].name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRF-Token", document.querySelector('meta[name="csrf-token"]').content);
    xhr.setRequestHeader("Accept", "text/html");
    box.hidden = false;
    bar.style.width = "0";
    text.textContent = "上传 " + files.length + " 个文件 …";
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      var pct = Math.round(e.loaded * 100 / e.total);
      bar.style.width = pct + "%";
      text.textContent = pct < 100 ? "上传 " + files.length + " 个文件: " + pct + "%" : "上传完成, 正在检查 …";
    };
    xhr.onload = function () {
      bar.style.width = "100%";
      text.textContent = xhr.status === 200 ? "完成" : "完成 (" + xhr.status + ")";
      result.innerHTML = xhr.responseText.indexOf("<html") >= 0
        ? (new DOMParser().parseFromString(xhr.responseText, "text/html").querySelector("main") || {}).innerHTML || ""
        : xhr.responseText;
      if (window.htmx) { htmx.process(result); refreshBoard(); }
      input.value = "";
    };
    xhr.onerror = function () { text.textContent = "上传失败: 连接中断"; };
    xhr.send(data);
  }

  function refreshBoard() {
    var wrap = document.getElementById("board-wrap");
    if (wrap && window.htmx) htmx.ajax("GET", window.location.pathname + window.location.search, {target: "#board-wrap", swap: "innerHTML"});
  }

  input.addEventListener("change", function () { send(input.files); });
  ["dragenter", "dragover"].forEach(function (ev) {
    zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (ev) {
    zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (e) { send(e.dataTransfer.files); });
  form.addEventListener("submit", function (e) { e.preventDefault(); send(input.files); });
})();
