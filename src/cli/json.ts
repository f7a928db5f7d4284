// the JSON form of records is shared with `seqcat convert` (src/convert), which sits below the CLI
export { jsonField, jsonValue, stringify } from '../convert/json-text.js';
