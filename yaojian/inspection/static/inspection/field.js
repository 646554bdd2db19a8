/* The field checklist: keeps its state on the device (localStorage) as the inspector fills it,
   sends it with an idempotency key, and sends it again when the connection returns. The server
   stores a given key once, so a retry or a double tap never records the checklist twice. */
(function () {
  "use strict";
  var form = document.getElementById("field-form");
  if (!form) return;
  var storageKey = form.dataset.storageKey;
  var statusBox = document.getElementById("field-status");
  var KEEP_LIMIT = 1200000; // bytes of a photo kept on the device as it is; larger ones are scaled down
  var MAX_SIDE = 1600;
  var memoryOnly = []; // photos too large for the device's storage
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (e) { return null; }
  }
  var state = load() || { key: form.elements.key.value, values: {}, photos: [], queued: false };
  if (!state.photos) state.photos = [];

  function show(message, kind) {
    statusBox.textContent = message;
    statusBox.className = "alert small py-2 alert-" + (kind || "secondary");
  }

  function collect() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken" || el.name === "key") return;
      if (el.type === "radio") { if (el.checked) values[el.name] = el.value; }
      else if (el.type === "checkbox") { values[el.name] = el.checked; }
      else { values[el.name] = el.value; }
    });
    return values;
  }

  function apply(values) {
    Object.keys(values).forEach(function (name) {
      var value = values[name];
      var els = form.querySelectorAll('[name="' + name + '"]');
      Array.prototype.forEach.call(els, function (el) {
        if (el.type === "radio") el.checked = el.value === value;
        else if (el.type === "checkbox") el.checked = !!value;
        else el.value = value;
      });
    });
  }

  function save() {
    state.values = collect();
    try {
      localStorage.setItem(storageKey, JSON.stringify(state));
    } catch (e) {
      // the device is full: keep the answers, move the photos to memory only
      memoryOnly = memoryOnly.concat(state.photos);
      state.photos = [];
      try { localStorage.setItem(storageKey, JSON.stringify(state)); } catch (ignored) { /* nothing more to do */ }
      show(form.dataset.msgPhotoLarge, "warning");
    }
  }

  function refresh() {
    var items = form.querySelectorAll(".field-item");
    var answered = 0;
    Array.prototype.forEach.call(items, function (fieldset) {
      var code = fieldset.dataset.item;
      var checked = fieldset.querySelector('input[name="result_' + code + '"]:checked');
      var value = checked ? checked.value : "";
      fieldset.classList.remove("answered-compliant", "answered-non_compliant", "answered-not_applicable");
      if (value) { fieldset.classList.add("answered-" + value); answered += 1; }
      var finding = fieldset.querySelector("[data-finding-for]");
      if (finding) finding.classList.toggle("d-none", value !== "non_compliant");
    });
    var bar = document.getElementById("field-progress");
    if (bar && items.length) bar.style.width = Math.round((100 * answered) / items.length) + "%";
  }

  function allPhotos() { return state.photos.concat(memoryOnly); }

  function renderThumbs() {
    Array.prototype.forEach.call(form.querySelectorAll("[data-thumbs-for]"), function (box) {
      box.innerHTML = "";
      allPhotos().forEach(function (photo) {
        if (photo.field !== box.dataset.thumbsFor) return;
        var wrap = document.createElement("span");
        wrap.className = "thumb";
        var img = document.createElement("img");
        img.alt = photo.name;
        if (/^data:image\//.test(photo.data)) img.src = photo.data;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn-sm btn-danger";
        remove.textContent = "×";
        remove.setAttribute("aria-label", photo.name);
        remove.addEventListener("click", function () {
          state.photos = state.photos.filter(function (p) { return p.id !== photo.id; });
          memoryOnly = memoryOnly.filter(function (p) { return p.id !== photo.id; });
          save(); renderThumbs();
        });
        wrap.appendChild(img); wrap.appendChild(remove);
        box.appendChild(wrap);
      });
    });
  }

  function readAsDataURL(blob) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = reject;
      reader.readAsDataURL(blob);
    });
  }

  function scaled(file) {
    // a large camera photo is scaled down to fit on the device (still a JPEG)
    if (file.size <= KEEP_LIMIT || !/^image\/(jpeg|png)$/.test(file.type) || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file).then(function (bitmap) {
      var ratio = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * ratio);
      canvas.height = Math.round(bitmap.height * ratio);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) { resolve(blob || file); }, "image/jpeg", 0.82);
      });
    }).catch(function () { return file; });
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type === "file") {
      var files = Array.prototype.slice.call(input.files || []);
      Promise.all(files.map(function (file) {
        return scaled(file).then(function (blob) {
          return readAsDataURL(blob).then(function (data) {
            var photo = {
              id: Date.now().toString(36) + Math.random().toString(36).slice(2, 8),
              field: input.name, item: input.dataset.item || "", name: file.name,
              type: blob.type || file.type || "application/octet-stream", data: data
            };
            if (blob.size > KEEP_LIMIT * 2) memoryOnly.push(photo); else state.photos.push(photo);
          });
        });
      })).then(function () { input.value = ""; save(); renderThumbs(); show(form.dataset.msgSaved); });
      return;
    }
    save(); refresh();
  });
  form.addEventListener("input", function () { save(); });

  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll("[data-error-for]"), function (el) { el.textContent = ""; });
    Array.prototype.forEach.call(form.querySelectorAll(".has-error"), function (el) { el.classList.remove("has-error"); });
  }

  function showErrors(body) {
    clearErrors();
    var first = null;
    Object.keys(body.errors || {}).forEach(function (name) {
      var target = form.querySelector('[data-error-for="' + name + '"]') || form.querySelector('[data-error-for="key"]');
      target.textContent = body.errors[name].join(" ");
      var fieldset = target.closest(".field-item");
      if (fieldset) fieldset.classList.add("has-error");
      if (!first) first = target;
    });
    show(body.detail || form.dataset.msgRefused, "danger");
    if (first && first.scrollIntoView) first.scrollIntoView({ block: "center" });
  }

  function toBlob(dataUrl) {
    var parts = dataUrl.split(",");
    var type = (parts[0].match(/data:([^;]*)/) || [])[1] || "application/octet-stream";
    var binary = atob(parts[1] || "");
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return new Blob([bytes], { type: type });
  }

  function send() {
    if (sending) return;
    sending = true;
    show(form.dataset.msgSending, "secondary");
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    data.append("key", state.key);
    var values = collect();
    Object.keys(values).forEach(function (name) {
      var value = values[name];
      if (value === true) data.append(name, "on");
      else if (value !== false && value !== "") data.append(name, value);
    });
    allPhotos().forEach(function (photo) { data.append(photo.field, toBlob(photo.data), photo.name); });
    fetch(window.location.pathname, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": form.elements.csrfmiddlewaretoken.value }
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json) {
        if (response.status >= 500) throw new Error("server");
        sending = false; state.queued = false; save();
        show(form.dataset.msgRefused + " (" + response.status + ")", "danger");
        return null;
      }
      return response.json().then(function (body) {
        sending = false;
        if (response.ok) {
          localStorage.removeItem(storageKey);
          show(body.detail, body.status === "already_recorded" ? "info" : "success");
          form.querySelector("[type=submit]").disabled = true;
          window.setTimeout(function () { window.location.assign(body.redirect); }, 1200);
        } else if (response.status >= 500) {
          throw new Error("server");
        } else {
          state.queued = false; save();
          showErrors(body);
        }
      });
    }).catch(function () {
      sending = false;
      state.queued = true; save();
      show(form.dataset.msgOffline, "warning");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    state.queued = true;
    save();
    if (navigator.onLine === false) { show(form.dataset.msgOffline, "warning"); return; }
    send();
  });
  window.addEventListener("online", function () { if (state.queued) send(); });

  // restore what this device kept
  form.elements.key.value = state.key;
  if (Object.keys(state.values || {}).length || state.photos.length) {
    apply(state.values || {});
    show(form.dataset.msgRestored, "info");
  }
  refresh();
  renderThumbs();
  if (state.queued && navigator.onLine !== false) send();
})();
