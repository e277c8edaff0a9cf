module.exports.longEnough = (output) => ({ pass: output.length > 20, score: 1, reason: 'length ' + output.length });
