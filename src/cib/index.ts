/**
 * The CIB: typed model, XML parse/serialise, value syntaxes and errors.
 * Other cib modules add their own export lines below.
 * @module
 */
export * from './types.js';
export * from './errors.js';
export { parseScore, clampScore, addScores, scoreToString, parseInterval, parseIsoDuration, isTrue, isFalse, parseBoolean } from './values.js';
export { parseCib, parseCibWithWarnings, checkCib, cibFromXmlNode, parseResourceXml, parseConstraintXml, type ParseCibOptions, type ParsedCib, type CibCheck } from './parse.js';
export { parseXml, DEFAULT_XML_LIMITS, type XmlLimits } from './parseXml.js';
export { isPacemakerDate } from './parseDate.js';
export { RESOURCE_CLASSES } from './parseResources.js';
export { serialiseCib, cibToXmlNode, resourceNode, constraintNode, nvSetNode, ruleNode } from './serialise.js';
export { xmlNodeToString, escapeAttr, escapeText } from './serialiseXml.js';
