// The lint's half of the reserved schema names: the list lives once, in the generator's template
// (templates/Pan123.ReservedTypeNames.liquid), which stops the build on the same names.
// Spectral runs from the repository root (scripts/contract.sh), so the template is found from there.
const { readFileSync } = require('node:fs');

let reserved;

module.exports = (name) => {
  if (reserved === undefined) {
    const template = readFileSync('templates/Pan123.ReservedTypeNames.liquid', 'utf8');
    const list = /reservedTypeNames = "\|(.*)\|"/.exec(template);
    if (list === null) {
      throw new Error('templates/Pan123.ReservedTypeNames.liquid has no reservedTypeNames list');
    }
    reserved = new Set(list[1].split('|'));
  }

  return reserved.has(name)
    ? [{ message: `Schema '${name}' is named like a type every .NET project imports (System, System.IO, System.Linq, System.Net.Http, System.Threading, System.Collections.Generic) or a root namespace: rename it (schema names are not on the wire).` }]
    : [];
};
