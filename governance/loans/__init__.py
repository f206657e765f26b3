"""Social loans (prestito sociale, DOMAIN.md §6): members with the minimum seniority lend
to the cooperative on free or term accounts, within the per-member cap and the equity
multiple, withdraw with notice, and earn interest by the day under the contract's
convention, rounded, taxed and capitalised at year end. `rules` holds the pure rules."""
