// `secp256k1/bindings` is the package's native binding alone (its entry, typed by
// @types/secp256k1, is the binding or a pure-JavaScript fallback): the same API.
declare module "secp256k1/bindings" {
  import secp256k1 from "secp256k1";
  export default secp256k1;
}
