"""The forms of the Fund's staff screens, one module per area: rounds, expressions of interest
and clusters, assessment, decisions, awards and their instalments, and progress reports. They
check what staff typed; the services hold the rules and have the last word, and a form shows a
service's refusal beside the answer it is about
(``localdigital.admin_actions.service_error_show``)."""
