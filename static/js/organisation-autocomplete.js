// The organisation picker (declaration/forms/organisation_picker.py): turns each select
// marked data-organisation-autocomplete into an accessible autocomplete
// (accessible-autocomplete, loaded before this file). Without JavaScript the select, grouped
// by type of organisation, works on its own, so this only enhances it.
(function () {
  "use strict";

  var autocomplete = window.accessibleAutocomplete;
  if (!autocomplete) {
    return;
  }
  // The library's own instructions, which it reads out while the field is empty.
  var INSTRUCTIONS =
    "When autocomplete results are available use up and down arrows to review and enter " +
    "to select. Touch device users, explore by touch or with swipe gestures.";

  function optionNamed(select, name) {
    for (var i = 0; i < select.options.length; i += 1) {
      var option = select.options[i];
      if (option.value && option.textContent === name) {
        return option;
      }
    }
    return null;
  }

  // The text of the hint and error message that describe the select: the autocomplete's
  // text input does not take over the select's aria-describedby, so it reads them out as
  // part of its instructions instead.
  function description(select) {
    var ids = (select.getAttribute("aria-describedby") || "").split(/\s+/);
    var texts = [];
    ids.forEach(function (id) {
      var element = id && document.getElementById(id);
      if (element) {
        texts.push(element.textContent.replace(/\s+/g, " ").trim());
      }
    });
    return texts.join(". ");
  }

  // The grey completion behind the typed text is a second, read-only input: decoration,
  // since the options themselves are announced. Hidden from assistive technology, it needs
  // no label.
  function hideCompletion(wrapper) {
    var completions = wrapper.querySelectorAll(".autocomplete__hint");
    for (var i = 0; i < completions.length; i += 1) {
      completions[i].setAttribute("aria-hidden", "true");
    }
  }

  function enhance(select) {
    var inputId = select.id;
    var hint = document.getElementById(inputId + "_hint");
    if (hint && select.getAttribute("data-autocomplete-hint")) {
      hint.textContent = select.getAttribute("data-autocomplete-hint");
    }
    var described = description(select);
    var chosen = select.options[select.selectedIndex];

    autocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: chosen && chosen.value ? chosen.textContent : "",
      minLength: 2,
      showAllValues: false,
      inputClasses: select.getAttribute("aria-invalid") === "true" ? "govuk-input--error" : null,
      tAssistiveHint: function () {
        return described ? described + ". " + INSTRUCTIONS : INSTRUCTIONS;
      },
      tNoResults: function () {
        return "No organisation found: check the spelling, or tell us it is not listed";
      },
      onConfirm: function (name) {
        // Called with nothing when the field loses focus, even just after a choice: then
        // the text in the field says what is chosen. Text that names no organisation
        // (cleared, or half typed) chooses nothing, rather than leave an earlier choice
        // hidden behind it.
        var input = document.getElementById(inputId);
        var option = optionNamed(select, name || (input ? input.value : ""));
        if (option) {
          option.selected = true;
        } else {
          select.value = "";
        }
      },
    });

    var input = document.getElementById(inputId);
    var wrapper = input && input.parentNode;
    if (wrapper) {
      hideCompletion(wrapper);
      new MutationObserver(function () {
        hideCompletion(wrapper);
      }).observe(wrapper, { childList: true, subtree: true });
    }
  }

  var selects = document.querySelectorAll("select[data-organisation-autocomplete]");
  for (var i = 0; i < selects.length; i += 1) {
    enhance(selects[i]);
  }
})();
