// What the server's API takes, as the capture page carries it: the JSON block
// id="engage-contract", rendered from engage/concerns/schemas.py page_contract() (the
// same schemas that check every entry the phone sends). The scripts read limits and
// editable fields here and keep no copy of their own, so a change to the schemas
// reaches the phone with the page, and the page comes from the service worker's
// cache offline like the rest of the shell.
//
//   {meeting: {maxLength: {field: n}}, concern: {maxLength: {field: n}}, concernEditable: [field]}

const BLOCK_ID = "engage-contract";

let contract = null;

// Read once, on first use: the block never changes while the page is open.
export function pageContract() {
  if (!contract) {
    const block = document.getElementById(BLOCK_ID);
    if (!block) throw new Error(`the page has no #${BLOCK_ID} block`);
    contract = Object.freeze(JSON.parse(block.textContent));
  }
  return contract;
}

// The fields of a concern the server has that the officer may still change (the body
// of PATCH /api/v1/concerns/<id>); where it is and who raised it are fixed once sent.
export function concernEditable() {
  return pageContract().concernEditable;
}
