"""What was recorded: police.uk's monthly street-level crime and ASB, counted per ward, and
the force's Section 59 warnings and seizures for vehicles driven to cause alarm."""
