# Crisis detection's phrases (src/crisis.rs states how they are scored; docs/core.md the
# rules the labelled table was written by). Text is matched lowercased, with ’ made ', and
# each phrase must start and end at word boundaries. Syntax: build.rs.

# ---- Indicators: suicidal intent or ideation (weight 4) ----
[Tag::Indicator(IndicatorFamily::Suicide)]
kill(ing)? my ?self
suicid(e|al)
commit(ting)? suicide
end(ing)? (my|my own) life
take my (own )?life
end it all
(want|wants|wanted|wish|wishes|wanna) (to )?die
ready to die
better off (dead|without me)
better off if i (was|were) (dead|gone)
(don't|dont|do not|no longer) want to (live|be alive|be here|exist|wake up)
(don't|dont|do not) want to be alive anymore
no reason to live
nothing (left )?to live for
wish i (was|were) (dead|never born)
wish i (had never|hadn't|hadnt) been born
wish i (wasn't|wasnt|weren't|werent) alive
hope i (never|don't|dont) wake up
(want|wish) to (disappear|sleep) forever
(tired|sick) of (living|being alive)
done (with life|living)
# Slang and abbreviations.
kms
ctb
unaliv(e|ing) my ?self
(want|wanna|going|gonna) (to )?unalive
sewer ?slide
off my ?self
end it (tonight|today|now|soon)
(i'm|im|i am) (going to|gonna) (shoot|hang|drown|poison|stab) my ?self
(want|going) to (step|jump|throw my ?self) in front of
(nobody|no one|no ?one) would (notice|care|miss me) if i (was|were|died)( gone| dead)?
sleep and never wake up
(want|need|wanted|needed) (it all|everything) to end

# ---- A plan (weight 3) ----
[Tag::Indicator(IndicatorFamily::Plan)]
(i have|i've got|i've made|i made|made) a plan to (die|kill myself|end it|end my life|do it)
have it (all )?planned out
planned (it|how|everything|it all) out
planned how (i'd|i would|i will|i'll) do it
know how i('d| would| will|'ll) do it
(wrote|written|writing|left) (a|my) (suicide |goodbye )?note
(picked|chose|chosen|set) (a|the) (date|day|time|place|spot)
(researching|researched|looked up|looking up|googled|googling) (how|ways) to (die|kill myself|end my life|end it|overdose|hang myself)
painless ways to die
know (exactly )?(which|what|how many) pills
(tied|tying|made|making) a noose
(been )?(saving|stockpiling|collecting|hoarding) (up )?(my )?(pills|meds|medication|tablets)

# ---- Means (weight 3) ----
[Tag::Indicator(IndicatorFamily::Means)]
# Overdose.
overdos(e|ed|ing)
(od|o d) on
take (all|all of) (my|the) (pills|meds|tablets|medication)
(swallow|take) (all the|a bottle of|a handful of|the whole bottle of) (pills|tablets|meds)
# Hanging.
hang(ing)? my ?self
(a|the|tie a|tied a|tying a) noose
# Cutting.
(slit|slitting|slice|slicing|cut|cutting) my (wrists?|throat)
# Burning.
set my ?self on fire
burn my ?self alive
# Weapons.
shoot my ?self
a gun to my head
blow my brains out
load(ed|ing)? the gun
# Jumping, and traffic.
(jump|jumping|throw myself) (off|from) (a|the|that) (bridge|roof|building|cliff|balcony|tower|ledge)
(jump|jumping|step|stepping|throw myself|walk|walking) in front of (a|the) (train|bus|car|truck)
(drive|driving|crash|crashing) (my car )?(off|into) (a|the) (bridge|cliff|wall|tree)
drown my ?self

# ---- Farewell behaviour (weight 3) ----
[Tag::Indicator(IndicatorFamily::Farewell)]
this is (my )?goodbye
goodbye forever
(say|saying|said) my (last|final) goodbyes
(say|saying|said) goodbye to everyone
(giving|gave|give) away (all )?my (things|stuff|belongings|possessions|clothes|pets?|cat|dog)
(wrote|writing|written) (goodbye )?letters to (my family|everyone|my kids|my friends)
(won't|wont|will not) be (around|here) (much longer|anymore|for long|tomorrow)
(won't|wont) have to worry about me (anymore|much longer)
take care of my (dog|cat|kids|children) (for me )?when i('m| am) gone
this is my (last|final) message
last goodbye
tell (my family|everyone|them all) (that )?i love them

# ---- Self-harm (weight 3) ----
[Tag::Indicator(IndicatorFamily::SelfHarm)]
(cut|cutting|burn|burning|hurt|hurting|harm|harming|punish|punishing|scratch|scratching) my ?self
self[- ]?harm(ing|ed)?
cut my (arms?|legs?|thighs?|skin)
starv(e|ing) my ?self
(sh|self harm) urges
relapsed (on|with|into) (sh|self[- ]?harm|cutting)
(started|start) cutting again
(hit|hitting|punch|punching) my ?self
until (i|my (hands|arms|skin)) bleeds?
bang(ing)? my head (against|on|into)
cutting again
(hit|hitting|punch|punching) my ?self
until (i|my (hands|arms|skin)) bleeds?
bang(ing)? my head (against|on|into)

# ---- Hopelessness (weight 2) ----
[Tag::Indicator(IndicatorFamily::Hopelessness)]
hopeless(ness)?
no hope
(gave|give|given|giving) up hope
pointless
no future
nothing matters
nothing (will )?ever (changes?|gets? better)
never (going to|gonna) get better
what'?s the point
no point (in )?(trying|living|anything)
(can't|cant) go on
no way out
give up on (everything|life)
(can't|cant) (live|do this|go on) (like this )?anymore
(trapped|stuck) (forever|with no way out)

# ---- Severe depression (weight 2) ----
[Tag::Indicator(IndicatorFamily::SevereDepression)]
depressed
depression
worthless
(can't|cant) get out of bed
(haven't|havent|hasn't|not) (left|gotten out of|been out of) (my )?bed
empty inside
dead inside
feel(ing)? (so )?(numb|empty)

# ---- Panic (weight 2) ----
[Tag::Indicator(IndicatorFamily::Panic)]
panic(king)?( attacks?)?
(can't|cant) breathe
heart (is )?(racing|pounding)
hyperventilat(e|ing)
freaking out

# ---- Distress (weight 1) ----
[Tag::Indicator(IndicatorFamily::Distress)]
stressed
anxious
overwhelmed
sad
upset
lonely
scared
afraid
worried
miserable
exhausted
awful
terrible
nervous
tense
heartbroken
frustrated

# ---- Risk factors (+0.5 each, at most +1) ----
[Tag::Risk(RiskFactor::Isolation)]
(all )?alone
isolated
no ?one cares
nobody cares
no friends
[Tag::Risk(RiskFactor::SubstanceUse)]
drinking
drunk
pills
high again
relapsed
[Tag::Risk(RiskFactor::RecentLoss)]
passed away
funeral
divorce
broke up
lost my (job|mom|dad|mother|father|partner|wife|husband|friend|child|son|daughter)
[Tag::Risk(RiskFactor::PreviousAttempt)]
(tried|attempted) (to kill my ?self|suicide|to end my life)
last attempt

# ---- Protective factors (reported, never lowering the level) ----
[Tag::Protective(ProtectiveFactor::SocialSupport)]
my (therapist|counsell?or|family|friends?|partner|support group|sponsor)
talk(ed)? to (someone|a friend)
[Tag::Protective(ProtectiveFactor::CopingSkills)]
breathing exercises?
meditat(e|ed|ing|ion)
journal(ing|ed)?
(went|go) for a walk
[Tag::Protective(ProtectiveFactor::FutureOrientation)]
looking forward
plans? for
next week
tomorrow i (will|can)
[Tag::Protective(ProtectiveFactor::ReasonsForLiving)]
my (kids|children|son|daughter|dog|cat|pet)
my faith

# ---- Idioms: an indicator inside one does not count ----
[Tag::Idiom]
(is|are|was|were|it's|that's|you're|they're|this is) killing me
dying to
di(e|ed) laughing
to die for
killed it
kill(ing)? (it|time|the boss|the lights)
kill(ing)? my ?self laughing
(i'd|i would) kill for
dead tired
bored to death
scared to death
suicide (squad|mission|run|doors?)
panic (button|room|mode)
sh(oot|ot) my ?self in the foot
burn(ed|t|ing)? my ?self out
overdos(e|ed|ing) on (coffee|caffeine|sugar|chocolate|netflix|tv)
killing my ?self (at work|to (finish|meet|get|make))

# ---- Context: a timeframe raises a strong indicator in its sentence by 1 ----
[Tag::Timeframe]
tonight
today
right now
this (weekend|week|evening|morning|afternoon)
tomorrow( morning| night)?
(very )?soon
in (an|a few) hours?
before (the )?morning
when everyone('s| is) asleep
by (monday|tuesday|wednesday|thursday|friday|saturday|sunday|the end of the (week|month))

# ---- Context: who the words are about, and songs ----
# The subject nearest before an indicator in its clause decides whose it is.
[Tag::FirstPerson]
i
i'm
im
i've
ive
i'll
i'd
me
my
myself
[Tag::ThirdPerson]
he
she
they
he's
she's
they're
his
her
their
him
them
himself
herself
themselves
(my|his|her|a|the) (friend|brother|sister|cousin|mom|dad|mother|father|son|daughter|coworker|classmate)('s)?
character
protagonist
hero
villain
narrator
story
novel
book
movie
film
show
series
episode
poem
play
game
article
documentary
[Tag::Song]
song
songs
lyric
lyrics
chorus
verse
sings
sang
singing
singer
album
track
band
rapper
