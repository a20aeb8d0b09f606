"""The web shell: what wraps the apps into one site (navigation, the audit log page, admin pages of
core's shared models). Kept out of core, which every app imports, so core never reaches up."""
