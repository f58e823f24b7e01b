// Turns the organisation <select> of the signing journey into an accessible autocomplete
// (accessible-autocomplete, loaded before this file). Without JavaScript the plain <select>
// works on its own, so this only enhances it.
(function () {
  "use strict";

  var autocomplete = window.accessibleAutocomplete;
  var select = document.querySelector("select[data-organisation-autocomplete]");
  if (!autocomplete || !select) {
    return;
  }

  var chosen = select.options[select.selectedIndex];
  // The autocomplete's text input takes over the select's id (and so its label).
  var inputId = select.id;

  function optionNamed(name) {
    for (var i = 0; i < select.options.length; i += 1) {
      var option = select.options[i];
      if (option.value && option.textContent === name) {
        return option;
      }
    }
    return null;
  }

  autocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: chosen && chosen.value ? chosen.textContent : "",
    minLength: 2,
    showAllValues: false,
    tNoResults: function () {
      return "No organisation found: check the spelling, or tell us it is not listed";
    },
    onConfirm: function (name) {
      // Called with nothing when the field loses focus, even just after a choice: then the
      // text in the field says what is chosen. Text that names no organisation (cleared, or
      // half typed) chooses nothing, rather than leave an earlier choice hidden behind it.
      var input = document.getElementById(inputId);
      var option = optionNamed(name || (input ? input.value : ""));
      if (option) {
        option.selected = true;
      } else {
        select.value = "";
      }
    },
  });
})();
