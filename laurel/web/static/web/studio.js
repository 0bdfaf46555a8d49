/* The design studio: boxes over the real render, dragged with the mouse or moved with the
   arrow keys, resized by their corner handles (or Alt+arrows) and turned by their rotation
   handle (or [ and ]), a properties panel, undo and redo. The layout lives in the save
   form's JSON field, so saving (and the page without JavaScript) is a plain form POST.
   Every word shown comes translated from the page (#studio-strings). */
(function () {
  "use strict";

  var root = document.getElementById("studio");
  var textarea = document.getElementById("id_layout");
  if (!root || !textarea) return;
  var layout;
  try {
    layout = JSON.parse(textarea.value);
  } catch (error) {
    return; // the JSON field shows what is wrong; the page works as a form
  }

  var stage = document.getElementById("studio-stage");
  var overlay = document.getElementById("studio-overlay");
  var image = document.getElementById("studio-preview");
  var panel = document.getElementById("studio-properties");
  var status = document.getElementById("studio-status");
  var valuesSelect = document.getElementById("preview-values");
  var undoButton = document.getElementById("undo");
  var redoButton = document.getElementById("redo");
  var assets = JSON.parse(document.getElementById("studio-assets").textContent);
  var variables = JSON.parse(document.getElementById("studio-variables").textContent);
  var STRINGS = JSON.parse(document.getElementById("studio-strings").textContent);
  function t(text) { return STRINGS[text] || text; }
  var csrf = document.querySelector("#save-form [name=csrfmiddlewaretoken]").value;
  var previewUrl = root.getAttribute("data-preview-url");

  ["studio-toolbar", "studio-properties-card", "studio-help"].forEach(function (id) {
    document.getElementById(id).hidden = false;
  });

  var PAGES = { A4: [210, 297], Letter: [215.9, 279.4] };
  var past = [];
  var future = [];
  var lastKey = null;
  var lastTime = 0;
  var selected = -1;
  var generation = 0;
  var timer = null;

  function pageSize() {
    var page = layout.page || { size: "A4" };
    if (page.size === "custom") return [page.width, page.height];
    var sides = PAGES[page.size] || PAGES.A4;
    return (page.orientation || "landscape") === "landscape" ? [sides[1], sides[0]] : sides;
  }

  function round(value) {
    return Math.round(value * 10) / 10;
  }

  function bounds(e) {
    if (e.type === "qr") return { x: e.x, y: e.y, w: e.size, h: e.size };
    if (e.type === "polygon") return { x: e.cx - e.radius, y: e.cy - e.radius, w: 2 * e.radius, h: 2 * e.radius };
    if (e.type === "line") {
      var w = Math.abs(e.x2 - e.x1), h = Math.abs(e.y2 - e.y1);
      return {
        x: Math.min(e.x1, e.x2) - (w < 2 ? 1 : 0), y: Math.min(e.y1, e.y2) - (h < 2 ? 1 : 0),
        w: Math.max(w, 2), h: Math.max(h, 2)
      };
    }
    return { x: e.x, y: e.y, w: e.width, h: e.height };
  }

  function moveBy(e, dx, dy) {
    if (e.type === "line") {
      e.x1 = round(e.x1 + dx); e.x2 = round(e.x2 + dx);
      e.y1 = round(e.y1 + dy); e.y2 = round(e.y2 + dy);
    } else if (e.type === "polygon") {
      e.cx = round(e.cx + dx); e.cy = round(e.cy + dy);
    } else {
      e.x = round(e.x + dx); e.y = round(e.y + dy);
    }
  }

  function label(e) {
    var names = { text: "Text", image: "Image", qr: "QR code", line: "Line", box: "Box", ellipse: "Ellipse",
      shield: "Shield", polygon: "Polygon" };
    var name = t(names[e.type] || e.type);
    if (e.type === "text") return name + ": " + String(e.text).slice(0, 60);
    if (e.type === "image") return name + ": " + e.asset;
    return name;
  }

  /* --- history --- */

  function change(mutate, key) {
    var before = JSON.stringify(layout);
    mutate();
    if (JSON.stringify(layout) === before) return;
    var now = Date.now();
    if (!(key && key === lastKey && now - lastTime < 1000)) {
      past.push(before);
      future = [];
    }
    lastKey = key || null;
    lastTime = now;
    sync();
  }

  function restore(from, to) {
    if (!from.length) return;
    to.push(JSON.stringify(layout));
    layout = JSON.parse(from.pop());
    lastKey = null;
    if (selected >= layout.elements.length) selected = -1;
    sync();
    renderPanel();
  }

  function undo() { restore(past, future); }
  function redo() { restore(future, past); }

  function sync() {
    textarea.value = JSON.stringify(layout, null, 1);
    undoButton.disabled = !past.length;
    redoButton.disabled = !future.length;
    drawBoxes();
    schedulePreview();
  }

  /* --- boxes over the preview --- */

  function place(box, e) {
    var size = pageSize(), b = bounds(e);
    box.style.left = (b.x / size[0]) * 100 + "%";
    box.style.top = (b.y / size[1]) * 100 + "%";
    box.style.width = (b.w / size[0]) * 100 + "%";
    box.style.height = (b.h / size[1]) * 100 + "%";
    box.style.transform = ROTATES[e.type] && e.rotation ? "rotate(" + e.rotation + "deg)" : "";
  }

  var ROTATES = { text: true, image: true, box: true, ellipse: true, shield: true, polygon: true };
  var CORNERS = ["nw", "ne", "sw", "se"];

  function addHandles(box, e) {
    (e.type === "line" ? ["se"] : CORNERS).forEach(function (corner) {
      var handle = document.createElement("span");
      handle.className = "studio-handle studio-handle-" + corner;
      handle.dataset.handle = corner;
      handle.title = t("Drag to resize (Alt+arrow keys)");
      handle.setAttribute("aria-hidden", "true");
      box.appendChild(handle);
    });
    if (!ROTATES[e.type]) return;
    var knob = document.createElement("span");
    knob.className = "studio-rotate";
    knob.dataset.handle = "rotate";
    knob.title = t("Drag to rotate ([ and ] keys; Shift: 15° steps)");
    knob.setAttribute("aria-hidden", "true");
    box.appendChild(knob);
  }

  /* Resizing in the element's own (unrotated) frame; dx and dy in millimetres. */
  function resizeBy(e, corner, dx, dy) {
    var east = corner.indexOf("e") >= 0, south = corner.indexOf("s") >= 0;
    var grow = ((east ? dx : -dx) + (south ? dy : -dy)) / 2;
    if (e.type === "line") {
      e.x2 = round(e.x2 + dx); e.y2 = round(e.y2 + dy);
    } else if (e.type === "qr") {
      var size = Math.max(2, round(e.size + grow));
      if (!east) e.x = round(e.x + e.size - size);
      if (!south) e.y = round(e.y + e.size - size);
      e.size = size;
    } else if (e.type === "polygon") {
      e.radius = Math.max(1, round(e.radius + grow));
    } else {
      var width = Math.max(1, round(e.width + (east ? dx : -dx)));
      var height = Math.max(1, round(e.height + (south ? dy : -dy)));
      if (!east) e.x = round(e.x + e.width - width);
      if (!south) e.y = round(e.y + e.height - height);
      e.width = width; e.height = height;
    }
  }

  function rotateTo(e, degrees) {
    var turned = ((Math.round(degrees) % 360) + 540) % 360 - 180;
    if (turned === -180) turned = 180;
    e.rotation = turned;
  }

  function drawBoxes() {
    var hadFocus = document.activeElement && document.activeElement.classList.contains("studio-box");
    overlay.textContent = "";
    layout.elements.forEach(function (e, i) {
      var box = document.createElement("div");
      box.className = "studio-box" + (i === selected ? " selected" : "");
      box.tabIndex = 0;
      box.setAttribute("role", "button");
      box.setAttribute("aria-pressed", i === selected ? "true" : "false");
      box.setAttribute("aria-label", label(e));
      box.dataset.index = String(i);
      place(box, e);
      if (i === selected) addHandles(box, e);
      overlay.appendChild(box);
    });
    if (hadFocus && selected >= 0) overlay.children[selected].focus();
  }

  function select(i) {
    selected = i;
    Array.prototype.forEach.call(overlay.children, function (box, n) {
      box.classList.toggle("selected", n === i);
      box.setAttribute("aria-pressed", n === i ? "true" : "false");
      Array.prototype.slice.call(box.querySelectorAll("[data-handle]")).forEach(function (h) { h.remove(); });
      if (n === i) addHandles(box, layout.elements[n]);
    });
    renderPanel();
  }

  var drag = null;

  overlay.addEventListener("pointerdown", function (event) {
    var box = event.target.closest(".studio-box");
    if (!box) return;
    var i = Number(box.dataset.index);
    var handle = event.target.closest("[data-handle]");
    if (i !== selected) select(i);
    box.focus();
    var rect = box.getBoundingClientRect();
    drag = {
      box: box, index: i, x: event.clientX, y: event.clientY,
      mode: handle ? handle.dataset.handle : "move",
      cx: rect.left + rect.width / 2, cy: rect.top + rect.height / 2,
      before: JSON.stringify(layout), origin: JSON.stringify(layout.elements[i]), moved: false
    };
    box.setPointerCapture(event.pointerId);
    box.classList.add("dragging");
    event.preventDefault();
  });

  overlay.addEventListener("pointermove", function (event) {
    if (!drag) return;
    var mmPerPx = pageSize()[0] / stage.clientWidth;
    var dx = (event.clientX - drag.x) * mmPerPx, dy = (event.clientY - drag.y) * mmPerPx;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 0.5) return;
    var element = JSON.parse(drag.origin);
    if (drag.mode === "move") {
      moveBy(element, Math.round(dx * 2) / 2, Math.round(dy * 2) / 2);
    } else if (drag.mode === "rotate") {
      var degrees = Math.atan2(event.clientY - drag.cy, event.clientX - drag.cx) * 180 / Math.PI + 90;
      rotateTo(element, event.shiftKey ? Math.round(degrees / 15) * 15 : degrees);
    } else {
      var angle = (ROTATES[element.type] && element.rotation || 0) * Math.PI / 180;
      var lx = dx * Math.cos(angle) + dy * Math.sin(angle), ly = -dx * Math.sin(angle) + dy * Math.cos(angle);
      resizeBy(element, drag.mode, Math.round(lx * 2) / 2, Math.round(ly * 2) / 2);
    }
    layout.elements[drag.index] = element;
    drag.moved = true;
    place(drag.box, element);
  });

  function endDrag() {
    if (!drag) return;
    var finished = drag;
    drag = null;
    finished.box.classList.remove("dragging");
    if (finished.moved && JSON.stringify(layout) !== finished.before) {
      past.push(finished.before);
      future = [];
      lastKey = null;
      sync();
      renderPanel();
    }
  }

  overlay.addEventListener("pointerup", endDrag);
  overlay.addEventListener("pointercancel", endDrag);

  overlay.addEventListener("keydown", function (event) {
    var box = event.target.closest(".studio-box");
    if (!box) return;
    var i = Number(box.dataset.index);
    var step = event.shiftKey ? 10 : 1;
    var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    var turns = { BracketLeft: -1, BracketRight: 1 };
    if (moves[event.key] && event.altKey) {
      event.preventDefault();
      if (i !== selected) select(i);
      change(function () { resizeBy(layout.elements[i], "se", moves[event.key][0], moves[event.key][1]); }, "size-" + i);
      renderPanel();
    } else if (moves[event.key]) {
      event.preventDefault();
      if (i !== selected) select(i);
      change(function () { moveBy(layout.elements[i], moves[event.key][0], moves[event.key][1]); }, "move-" + i);
      renderPanel();
    } else if (turns[event.code] && ROTATES[layout.elements[i].type]) {
      event.preventDefault();
      if (i !== selected) select(i);
      change(function () {
        var e = layout.elements[i];
        rotateTo(e, (e.rotation || 0) + turns[event.code] * (event.shiftKey ? 15 : 1));
      }, "turn-" + i);
      renderPanel();
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      select(i);
    } else if (event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      removeSelected();
    } else if (event.key === "Escape") {
      select(-1);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey)) return;
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (typing) return; // the field's own undo
    var key = event.key.toLowerCase();
    if (key === "z" && !event.shiftKey) { event.preventDefault(); undo(); }
    else if ((key === "z" && event.shiftKey) || key === "y") { event.preventDefault(); redo(); }
  });

  undoButton.addEventListener("click", undo);
  redoButton.addEventListener("click", redo);

  /* --- adding and removing elements --- */

  function newElement(type) {
    var size = pageSize(), cx = size[0] / 2, cy = size[1] / 2;
    var id = type + "-" + Date.now().toString(36);
    if (type === "text") {
      return { type: "text", id: id, x: round(cx - 60), y: round(cy - 8), width: 120, height: 16,
        text: "{recipient_name}", font: "sans", size: 20, colour: "#222222", align: "center" };
    }
    if (type === "qr") return { type: "qr", id: id, x: round(size[0] - 45), y: round(size[1] - 45), size: 25 };
    if (type === "line") {
      return { type: "line", id: id, x1: round(cx - 40), y1: round(cy), x2: round(cx + 40), y2: round(cy),
        colour: "#888888", thickness: 0.5 };
    }
    if (type === "image") return { type: "image", id: id, x: round(cx - 20), y: round(cy - 20), width: 40, height: 40, asset: assets[0] };
    return { type: "box", id: id, x: round(cx - 30), y: round(cy - 20), width: 60, height: 40, stroke: "#333333", thickness: 0.5 };
  }

  document.getElementById("studio-toolbar").addEventListener("click", function (event) {
    var button = event.target.closest("[data-add]");
    if (!button) return;
    change(function () { layout.elements.push(newElement(button.getAttribute("data-add"))); });
    select(layout.elements.length - 1);
    overlay.children[selected].focus();
    status.textContent = t("Added: {element}").replace("{element}", label(layout.elements[selected]));
  });

  function removeSelected() {
    if (selected < 0) return;
    var i = selected;
    selected = -1;
    change(function () { layout.elements.splice(i, 1); });
    renderPanel();
  }

  /* --- the properties panel --- */

  var FIELDS = {
    text: [["text", "textarea", "Text"], ["font", ["serif", "sans", "serif-display", "sans-display"], "Font"],
      ["size", "number", "Size (pt)"], ["weight", ["regular", "bold"], "Weight"], ["italic", "checkbox", "Italic"],
      ["colour", "color", "Colour"], ["align", ["left", "center", "right", "start", "end"], "Alignment"],
      ["valign", ["top", "middle", "bottom"], "Vertical alignment"], ["rotation", "number", "Rotation (°)"],
      ["shrink", "checkbox", "Shrink to fit its box"], ["wrap", "checkbox", "Wrap lines"],
      ["uppercase", "checkbox", "Capitals"], ["x", "number", "X (mm)"], ["y", "number", "Y (mm)"],
      ["width", "number", "Width (mm)"], ["height", "number", "Height (mm)"]],
    image: [["asset", assets, "File"], ["fit", ["contain", "cover", "stretch"], "Fit"], ["rotation", "number", "Rotation (°)"],
      ["opacity", "number", "Opacity (0–1)"], ["x", "number", "X (mm)"], ["y", "number", "Y (mm)"],
      ["width", "number", "Width (mm)"], ["height", "number", "Height (mm)"]],
    qr: [["content", "text", "Content"], ["colour", "color", "Colour"], ["x", "number", "X (mm)"], ["y", "number", "Y (mm)"],
      ["size", "number", "Size (mm)"]],
    line: [["colour", "color", "Colour"], ["thickness", "number", "Thickness (mm)"], ["x1", "number", "From X (mm)"],
      ["y1", "number", "From Y (mm)"], ["x2", "number", "To X (mm)"], ["y2", "number", "To Y (mm)"]],
    box: [["fill", "color", "Fill"], ["stroke", "color", "Outline"], ["thickness", "number", "Outline thickness (mm)"],
      ["radius", "number", "Corner radius (mm)"], ["rotation", "number", "Rotation (°)"], ["x", "number", "X (mm)"],
      ["y", "number", "Y (mm)"], ["width", "number", "Width (mm)"], ["height", "number", "Height (mm)"]]
  };
  FIELDS.ellipse = FIELDS.box.filter(function (f) { return f[0] !== "radius"; });
  FIELDS.shield = FIELDS.ellipse;
  FIELDS.polygon = [["fill", "color", "Fill"], ["stroke", "color", "Outline"], ["cx", "number", "Centre X (mm)"],
    ["cy", "number", "Centre Y (mm)"], ["radius", "number", "Radius (mm)"], ["sides", "number", "Sides"],
    ["rotation", "number", "Rotation (°)"]];
  var DEFAULTS = { font: "serif", weight: "regular", size: 12, colour: "#000000", align: "center", valign: "middle",
    rotation: 0, shrink: true, wrap: true, fit: "contain", opacity: 1, thickness: 0.3, radius: 0,
    content: "{verification_url}", fill: "#FFFFFF", stroke: "#000000" };

  function control(element, field, index) {
    var name = field[0], kind = field[1], id = "prop-" + name;
    var value = element[name] !== undefined ? element[name] : DEFAULTS[name];
    var wrap = document.createElement("div");
    wrap.className = kind === "checkbox" ? "form-check mb-2" : "mb-2";
    var input;
    if (Array.isArray(kind)) {
      input = document.createElement("select");
      input.className = "form-select form-select-sm";
      kind.forEach(function (option) {
        var o = document.createElement("option");
        o.value = option; o.textContent = kind === assets ? option : t(option);
        input.appendChild(o);
      });
    } else if (kind === "textarea") {
      input = document.createElement("textarea");
      input.className = "form-control form-control-sm";
      input.rows = 2;
    } else {
      input = document.createElement("input");
      input.type = kind;
      input.className = kind === "checkbox" ? "form-check-input" : kind === "color" ? "form-control form-control-sm form-control-color" : "form-control form-control-sm";
      if (kind === "number") input.step = "any";
    }
    input.id = id;
    if (kind === "checkbox") input.checked = !!value;
    else input.value = value === undefined || value === null ? "" : String(value);
    var lab = document.createElement("label");
    lab.htmlFor = id;
    lab.className = kind === "checkbox" ? "form-check-label small" : "form-label";
    lab.textContent = t(field[2]);
    if (kind === "checkbox") { wrap.appendChild(input); wrap.appendChild(lab); }
    else { wrap.appendChild(lab); wrap.appendChild(input); }
    input.addEventListener(kind === "checkbox" || Array.isArray(kind) ? "change" : "input", function () {
      var next;
      if (kind === "checkbox") next = input.checked;
      else if (kind === "number") {
        next = parseFloat(input.value);
        if (!isFinite(next)) return;
      } else next = input.value;
      change(function () { layout.elements[index][name] = next; }, "prop-" + index + "-" + name);
    });
    return wrap;
  }

  function renderPanel() {
    panel.textContent = "";
    panel.classList.add("studio-properties");
    var element = layout.elements[selected];
    if (!element) {
      var hint = document.createElement("p");
      hint.className = "text-body-secondary small mb-0";
      hint.textContent = t("Select an element on the page to change it.");
      panel.appendChild(hint);
      return;
    }
    var title = document.createElement("p");
    title.className = "fw-semibold small mb-2";
    title.textContent = label(element);
    panel.appendChild(title);
    (FIELDS[element.type] || []).forEach(function (field) {
      panel.appendChild(control(element, field, selected));
    });
    if (element.type === "text") {
      var help = document.createElement("p");
      help.className = "form-text mt-0";
      help.textContent = t("Variables:") + " " + variables.map(function (v) { return "{" + v + "}"; }).join(" ");
      panel.appendChild(help);
    }
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn btn-danger btn-sm mt-2";
    remove.textContent = t("Remove this element");
    remove.addEventListener("click", removeSelected);
    panel.appendChild(remove);
  }

  /* --- the live preview: the real render of the unsaved layout --- */

  function schedulePreview() {
    clearTimeout(timer);
    image.classList.add("stale");
    timer = setTimeout(refreshPreview, 250);
  }

  function refreshPreview() {
    var mine = ++generation;
    fetch(previewUrl + "?v=" + mine, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ layout: layout, values: valuesSelect.value })
    }).then(function (response) {
      if (mine !== generation) return null;
      if (!response.ok) {
        return response.json().then(function (body) {
          status.textContent = t("The preview cannot be drawn:") + " " + (body.problems || []).join("; ");
        });
      }
      return response.blob().then(function (blob) {
        // A data: URL, as the page's CSP allows images from 'self' and data: only.
        var reader = new FileReader();
        reader.onload = function () {
          if (mine !== generation) return;
          image.onload = function () {
            image.dataset.generation = String(mine);
            image.classList.remove("stale");
          };
          image.src = reader.result;
          status.textContent = t("Preview up to date.");
        };
        reader.readAsDataURL(blob);
      });
    }).catch(function () {
      status.textContent = t("The preview could not be fetched; it will be retried on the next change.");
    });
  }

  valuesSelect.addEventListener("change", refreshPreview);

  stage.style.aspectRatio = pageSize()[0] + " / " + pageSize()[1];
  drawBoxes();
  renderPanel();
  if (root.getAttribute("data-unsaved")) refreshPreview(); // the layout sent back, not the saved one
})();
