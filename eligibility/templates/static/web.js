// eligibility serve: small enhancements; every page works without them.
document.documentElement.classList.add('js');
// add and remove rows of a record (posts, planning, discipline, assessments, places worked)
document.querySelectorAll('button.add').forEach(function (b) {
  b.addEventListener('click', function () {
    var body = document.querySelector('table[data-rows="' + b.dataset.add + '"] tbody');
    var last = body.rows[body.rows.length - 1], row = last.cloneNode(true), n = body.rows.length;
    row.querySelectorAll('input,select').forEach(function (el) {
      el.name = el.name.replace(/-\d+-/, '-' + n + '-');
      if (el.type === 'checkbox') { el.checked = false; } else { el.value = ''; }
    });
    body.appendChild(row); wire(row);
    var first = row.querySelector('input,select'); if (first) { first.focus(); }
  });
});
function wire(scope) {
  scope.querySelectorAll('button.remove').forEach(function (b) {
    b.onclick = function () {
      var tr = b.closest('tr'), body = tr.parentNode;
      if (body.rows.length > 1) { body.removeChild(tr); }
      else { tr.querySelectorAll('input,select').forEach(function (el) { if (el.type === 'checkbox') { el.checked = false; } else { el.value = ''; } }); }
    };
  });
}
wire(document);
// show only the options of the chosen action
var action = document.querySelector('#check-form select[name="action"]');
function options() {
  document.querySelectorAll('.options [data-actions]').forEach(function (d) {
    d.hidden = !!action.value && d.dataset.actions.split(' ').indexOf(action.value) < 0;
  });
}
if (action) { action.addEventListener('change', options); options(); }
// filter the criteria list
var filter = document.getElementById('rule-filter');
if (filter) {
  filter.addEventListener('input', function () {
    var q = filter.value.toLowerCase().normalize('NFC');
    document.querySelectorAll('.rules-list tbody tr').forEach(function (tr) {
      tr.hidden = q && tr.textContent.toLowerCase().indexOf(q) < 0;
    });
    document.querySelectorAll('.rule-group').forEach(function (g) {
      g.hidden = !g.querySelector('tbody tr:not([hidden])');
    });
  });
}
// the progress of a screening
var box = document.getElementById('progress');
if (box) {
  var bar = box.querySelector('progress'), done = box.querySelector('.done');
  (function poll() {
    fetch(box.dataset.url, {credentials: 'same-origin'}).then(function (r) { return r.json(); }).then(function (p) {
      if (p.percent !== null) { bar.value = p.percent; }
      done.textContent = p.done;
      if (p.state === 'running') { setTimeout(poll, 500); } else { location.reload(); }
    }).catch(function () { setTimeout(poll, 2000); });
  })();
}
