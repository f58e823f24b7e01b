// Names for the parts of the admin that Django's own scripts build without one (WCAG 4.1.2).
// Loaded at the end of every admin page (templates/admin/base_site.html), after Django's own
// scripts, so these handlers run after Django's handlers of the same events.
"use strict";
{
  // An organisation picker (select2, for autocomplete_fields) is named by the field's label.
  const nameAutocompletes = (root) => {
    root.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const label = select.id && document.querySelector(`label[for="${select.id}"]`);
      const container = document.getElementById(`select2-${select.id}-container`);
      if (!label || !container) {
        return;
      }
      label.id = label.id || `${select.id}-label`;
      container.setAttribute("aria-labelledby", label.id);
      const selection = container.closest(".select2-selection");
      if (selection) {
        selection.setAttribute("aria-labelledby", `${label.id} ${container.id}`);
      }
    });
  };

  // The filter boxes' icons carry a name, which only an element with a role may have.
  const roleHelpIcons = (root) => {
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
  };

  const nameAll = (root) => {
    nameAutocompletes(root);
    roleHelpIcons(root);
  };

  // Django builds the filter boxes on load, and the pickers when jQuery finds the page ready,
  // which may come before or after load: name what there is at each.
  window.addEventListener("load", () => nameAll(document));
  if (window.django && window.django.jQuery) {
    window.django.jQuery(() => nameAll(document));
  }
  document.addEventListener("formset:added", (event) => nameAll(event.target));
}
